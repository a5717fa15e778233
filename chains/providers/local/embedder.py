"""A deterministic text embedder: hashed bag of words and word pairs.

Good enough to measure how far a chain has drifted: captions sharing colour names and
motifs land close together, unrelated ones do not. Feature hashing with blake2b (not
Python's salted hash()) keeps vectors identical across processes and machines.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..base import EmbedResult

MODEL_NAME = "local-hash-embed-v1"
DIMENSION = 256
PAIR_WEIGHT = 0.6

STOPWORDS = frozenset(
    """
    a an the and or but if of in on at to from by for with without into onto over under
    is are was were be been being it its this that these those there here as than then
    so such very too also just only some any each both all no not nor very can will would
    while where which who whom whose what when how i you he she we they me him her us them
    my your his our their has have had do does did up down out off again further once
    """.split()
)
WORD = re.compile(r"[a-z]+")


class LocalEmbedder:
    """Implements the Embedder protocol; pure numpy, fixed 256 dimensions."""

    model = MODEL_NAME
    dimension = DIMENSION

    def embed(self, texts: Sequence[str]) -> EmbedResult:
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        word_count = 0
        for row, text in enumerate(texts):
            word_count += len(WORD.findall((text or "").lower()))
            vectors[row] = embed_tokens(tokens(text or ""))
        return EmbedResult(vectors=vectors, model=MODEL_NAME, tokens=word_count)


def tokens(text: str) -> list[str]:
    """Lowercase content words with a light plural fold ("towers" ~ "tower")."""
    return [_fold(word) for word in WORD.findall(text.lower()) if word not in STOPWORDS]


def _fold(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def embed_tokens(words: list[str]) -> np.ndarray:
    """Signed hashed features for words and adjacent pairs, sublinear counts, unit length."""
    vector = np.zeros(DIMENSION, dtype=np.float64)
    features = Counter(words)
    pairs = Counter(f"{first} {second}" for first, second in zip(words, words[1:], strict=False))
    for feature, count in features.items():
        bucket, sign = _bucket(feature)
        vector[bucket] += sign * (1.0 + math.log(count))
    for feature, count in pairs.items():
        bucket, sign = _bucket(feature)
        vector[bucket] += sign * PAIR_WEIGHT * (1.0 + math.log(count))
    norm = float(np.linalg.norm(vector))
    if norm > 0:
        vector /= norm
    return vector.astype(np.float32)


@lru_cache(maxsize=65536)
def _bucket(feature: str) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "big")
    return value % DIMENSION, 1.0 if (value >> 63) & 1 else -1.0
