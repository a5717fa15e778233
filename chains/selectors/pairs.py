"""Reads for the public "which pairs keep the meaning" page.

Only finished chains anyone may see count (`Chain.objects.listed()`), grouped by the
(captioner, painter) models their snapshot recorded. The page shows model names and
the kind of server only, never a server's address.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from ..metrics.pairs import Estimate, half_lives, median_interval
from ..models import Attractor, Chain, Status, Step
from ..providers import catalogue
from ..providers.endpoints import is_paid

# Below this many chains a pair is shown, but marked and not ranked: its interval is too wide.
MIN_CHAINS_TO_RANK = 5
CHAINS_SHOWN = 6
ATTRACTORS_SHOWN = 3
UNKNOWN_MODEL = "unrecorded"
SERVER_KINDS = {"a1111": "AUTOMATIC1111", "comfyui": "ComfyUI", "local": "offline"}
ESTIMATED_PRICE = "no known price, estimated"
ENDPOINT_KINDS = {"openai": "OpenAI", "gateway": "paid gateway", "self-hosted": "self-hosted", "offline": "offline"}


@dataclass
class PairSummary:
    caption_model: str
    image_model: str
    caption_server_kind: str = ""
    image_server_kind: str = ""
    chains: list[dict] = field(default_factory=list)
    count: int = 0
    drift: Estimate | None = None
    half_life: Estimate | None = None
    never_halved: int = 0
    attractors: list[tuple[Attractor, int]] = field(default_factory=list)
    cost_per_step: Decimal | None = None
    cost_estimated: bool = False
    price_sources: list[str] = field(default_factory=list)
    rank: int | None = None

    @property
    def few(self) -> bool:
        return self.count < MIN_CHAINS_TO_RANK


def model_pairs() -> list[PairSummary]:
    """Every pair with finished public chains: ranked ones first, by median drift (less is better)."""
    rows = _finished_listed_rows()
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["caption_model"] or UNKNOWN_MODEL, row["image_model"] or UNKNOWN_MODEL)].append(row)
    attractors = _attractors({row["attractor_id"] for row in rows if row["attractor_id"]})
    pairs = [_summarise(key, chains, attractors) for key, chains in groups.items()]
    return _ranked(pairs)


def _finished_listed_rows() -> list[dict]:
    last_thumbnail = Step.objects.filter(chain=OuterRef("pk")).order_by("-index").values("thumbnail_tiny")[:1]
    return list(
        Chain.objects.listed()
        .filter(status=Status.COMPLETED)
        .annotate(latest_thumbnail=Subquery(last_thumbnail))
        .order_by("-finished_at")
        .values(
            "slug",
            "title",
            "drift",
            "estimated_cost",
            "images_generated",
            "latest_thumbnail",
            caption_model=F("provider_settings__caption_model"),
            image_model=F("provider_settings__image_model"),
            caption_endpoint=F("provider_settings__caption_endpoint"),
            image_endpoint=F("provider_settings__image_endpoint"),
            caption_backend=F("provider_settings__caption_backend"),
            image_backend=F("provider_settings__image_backend"),
            half_life=F("analysis__half_life"),
            attractor_id=F("analysis__attractor_id"),
        )
    )


def _attractors(ids: set[int]) -> dict[int, Attractor]:
    return {attractor.pk: attractor for attractor in Attractor.objects.filter(pk__in=ids)}


def _summarise(key: tuple[str, str], chains: list[dict], attractors: dict[int, Attractor]) -> PairSummary:
    caption_model, image_model = key
    painted = sum(row["images_generated"] or 0 for row in chains)
    cost = sum((row["estimated_cost"] or Decimal("0") for row in chains), Decimal("0"))
    landed = Counter(row["attractor_id"] for row in chains if row["attractor_id"] in attractors)
    return PairSummary(
        caption_model=caption_model,
        image_model=image_model,
        caption_server_kind=server_kind(chains[0], "caption"),
        image_server_kind=server_kind(chains[0], "image"),
        chains=chains[:CHAINS_SHOWN],
        count=len(chains),
        drift=median_interval(row["drift"] for row in chains),
        half_life=median_interval(half_lives(row["half_life"] for row in chains)),
        never_halved=sum(1 for row in chains if row["half_life"] is None),
        attractors=[(attractors[pk], n) for pk, n in landed.most_common(ATTRACTORS_SHOWN)],
        cost_per_step=cost / painted if painted else None,
        cost_estimated=any(_priced_by_estimate(row) for row in chains),
        price_sources=list(dict.fromkeys(source for row in chains for source in _price_sources(row))),
    )


def server_kind(row: dict, role: str) -> str:
    """What kind of server answered, in words; never where it is."""
    backend = row[f"{role}_backend"] or ""
    return SERVER_KINDS.get(backend) or ENDPOINT_KINDS.get(row[f"{role}_endpoint"] or "", "")


def _price_sources(row: dict) -> list[str]:
    """Where the pair's prices come from, per role, in words the page can show beside the cost."""
    sources = []
    for role in ("caption", "image"):
        if not is_paid(row[f"{role}_endpoint"] or ""):
            continue
        prices = catalogue.lookup(row[f"{role}_model"] or "", role=role).prices
        sources.append(f"{role}: {prices.short_label}" if prices is not None else f"{role}: {ESTIMATED_PRICE}")
    return sources


def _priced_by_estimate(row: dict) -> bool:
    """A paid endpoint serving a model the catalogue has no price for: its costs are estimates."""
    for role in ("caption", "image"):
        if (
            is_paid(row[f"{role}_endpoint"] or "")
            and catalogue.lookup(row[f"{role}_model"] or "", role=role).prices is None
        ):
            return True
    return False


def _ranked(pairs: list[PairSummary]) -> list[PairSummary]:
    def order(pair: PairSummary):
        drift = pair.drift.median if pair.drift is not None else float("inf")
        return (pair.few, drift, -pair.count, pair.caption_model, pair.image_model)

    ordered = sorted(pairs, key=order)
    for position, pair in enumerate(item for item in ordered if not item.few):
        pair.rank = position + 1
    return ordered
