"""The catalogue's entries, checked on 2026-11-30.

Parameters, sizes and shutdown dates follow the docstrings of the pinned openai SDK
(3.57.0): `types/image_generate_params.py`, `types/image_model.py` and
`types/shared/chat_model.py`; the image models the SDK does not date (gpt-image-1-mini,
gpt-image-1.5, chatgpt-image-latest) shut down on 2026-12-01 per OpenAI's deprecations
page. Prices name where they were read: a model with no price here is counted at the
configured conservative price and shown as "estimated", never as free.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from .catalogue import (
    CHAT,
    EMBEDDING,
    GPT_IMAGE,
    LEGACY_IMAGE,
    MAX_COMPLETION_TOKENS,
    MODERATION,
    REASONING_CHAT,
    ModelSpec,
    Prices,
    Shutdown,
    SizeRule,
    TokenPrices,
)

OPENAI_PRICING = "OpenAI API pricing (developers.openai.com/api/docs/pricing)"
LEGACY_PRICING = "OpenAI image pricing, legacy DALL·E table"

DALL_E_RETIRED = Shutdown(date(2026, 5, 12), "gpt-image-2")
GPT_IMAGE_1_SHUTDOWN = Shutdown(date(2026, 10, 23), "gpt-image-2")
GPT_IMAGE_1X_SHUTDOWN = Shutdown(date(2026, 12, 1), "gpt-image-2")
CHAT_2027_01_14 = Shutdown(date(2027, 1, 14), "gpt-5.4-mini")
CHAT_2026_12_11 = Shutdown(date(2026, 12, 11), "gpt-5.4-mini")
CHAT_2026_10_23 = Shutdown(date(2026, 10, 23), "gpt-5.4-mini")
CHAT_2027_04_01 = Shutdown(date(2027, 4, 1), "gpt-5.4-mini")
CHAT_2026_08_10 = Shutdown(date(2026, 8, 10), "gpt-5.4-mini")
CHAT_2026_07_23 = Shutdown(date(2026, 7, 23), "gpt-5.4-mini")
CHAT_RETIRED_EARLIER = Shutdown(date(2026, 2, 17), "gpt-5.4-mini")

STANDARD_GPT_SIZES = SizeRule(fixed=("1024x1024", "1536x1024", "1024x1536", "auto"))
FLEXIBLE_GPT_SIZES = SizeRule(fixed=("1024x1024", "1536x1024", "1024x1536", "auto"), flexible=True)
GPT_QUALITIES = ("low", "medium", "high", "auto")
GPT_IMAGE_PROMPT_LIMIT = 32000


def gpt_image(
    model_id: str,
    *,
    sizes: SizeRule = STANDARD_GPT_SIZES,
    qualities: tuple = GPT_QUALITIES,
    prices: Prices | None = None,
    shutdown: Shutdown | None = None,
) -> ModelSpec:
    """GPT image models answer in base64 only: no `response_format`, no `style`."""
    return ModelSpec(
        id=model_id,
        family=GPT_IMAGE,
        sizes=sizes,
        prompt_limit=GPT_IMAGE_PROMPT_LIMIT,
        params={
            "size": (),
            "quality": qualities,
            "output_format": ("png", "webp", "jpeg"),
            "background": ("auto", "opaque", "transparent"),
            "moderation": ("low", "auto"),
        },
        prices=prices,
        shutdown=shutdown,
    )


def reasoning_chat(
    model_id: str,
    *,
    efforts: tuple = ("low", "medium", "high"),
    prices: Prices | None = None,
    shutdown: Shutdown | None = None,
) -> ModelSpec:
    """Reasoning models count hidden reasoning in `max_completion_tokens` and refuse a temperature."""
    return ModelSpec(
        id=model_id,
        family=REASONING_CHAT,
        params={"reasoning_effort": efforts},
        token_param=MAX_COMPLETION_TOKENS,
        temperature=False,
        prices=prices,
        shutdown=shutdown,
    )


def chat(
    model_id: str, *, prices: Prices | None = None, shutdown: Shutdown | None = None, vision: bool = True
) -> ModelSpec:
    return ModelSpec(
        id=model_id, family=CHAT, params={"temperature": ()}, prices=prices, shutdown=shutdown, vision=vision
    )


def tokens(
    text_input: str,
    text_output: str = "0",
    *,
    source: str = OPENAI_PRICING,
    as_of: date,
    image_input: str = "0",
    image_output: str = "0",
    typical: dict | None = None,
) -> Prices:
    return Prices(
        source=source,
        as_of=as_of,
        typical_output_tokens=typical or {},
        tokens=TokenPrices(
            text_input=D(text_input),
            text_output=D(text_output),
            image_input=D(image_input),
            image_output=D(image_output),
        ),
    )


# Output tokens of one 1024x1024 picture per quality, for budget estimates only
# (derived from the per-image costs OpenAI's calculator shows for gpt-image-2).
GPT_IMAGE_2_TYPICAL = {"low": 200, "medium": 1767, "high": 7033, "auto": 7033}
GPT_IMAGE_2_PRICES = tokens(
    "5.00", "10.00", image_input="8.00", image_output="30.00", as_of=date(2026, 4, 29), typical=GPT_IMAGE_2_TYPICAL
)
GPT_IMAGE_1_PRICES = tokens(
    "5.00",
    image_input="10.00",
    image_output="40.00",
    as_of=date(2025, 4, 23),
    typical={"low": 272, "medium": 1056, "high": 4160, "auto": 4160},
)
GPT_IMAGE_1_MINI_PRICES = tokens(
    "2.00",
    image_input="2.50",
    image_output="8.00",
    as_of=date(2025, 10, 6),
    typical={"low": 272, "medium": 1056, "high": 4160, "auto": 4160},
)

DALL_E_3 = ModelSpec(
    id="dall-e-3",
    family=LEGACY_IMAGE,
    prompt_limit=4000,
    sizes=SizeRule(fixed=("1024x1024", "1792x1024", "1024x1792")),
    params={
        "size": (),
        "quality": ("standard", "hd"),
        "style": ("vivid", "natural"),
        "response_format": ("url", "b64_json"),
    },
    prices=Prices(
        source=LEGACY_PRICING,
        as_of=date(2025, 1, 1),
        per_image={
            "standard 1024x1024": D("0.040"),
            "standard 1792x1024": D("0.080"),
            "standard 1024x1792": D("0.080"),
            "hd 1024x1024": D("0.080"),
            "hd 1792x1024": D("0.120"),
            "hd 1024x1792": D("0.120"),
        },
    ),
    shutdown=DALL_E_RETIRED,
)
DALL_E_2 = ModelSpec(
    id="dall-e-2",
    family=LEGACY_IMAGE,
    prompt_limit=1000,
    sizes=SizeRule(fixed=("256x256", "512x512", "1024x1024")),
    params={"size": (), "quality": ("standard",), "response_format": ("url", "b64_json")},
    prices=Prices(
        source=LEGACY_PRICING,
        as_of=date(2025, 1, 1),
        per_image={"standard 1024x1024": D("0.020"), "standard 512x512": D("0.018"), "standard 256x256": D("0.016")},
    ),
    shutdown=DALL_E_RETIRED,
)

IMAGE_MODELS = [
    gpt_image("gpt-image-2", sizes=FLEXIBLE_GPT_SIZES, prices=GPT_IMAGE_2_PRICES),
    gpt_image("gpt-image-2-2026-04-21", sizes=FLEXIBLE_GPT_SIZES, prices=GPT_IMAGE_2_PRICES),
    *[
        gpt_image(name, sizes=FLEXIBLE_GPT_SIZES, qualities=GPT_QUALITIES + ("xhigh", "max"))
        for name in (
            "gpt-image-2.5-sunburst",
            "gpt-image-2.5-sunburst-2026-09-08",
            "gpt-image-2.5-flare",
            "gpt-image-2.5-flare-2026-09-08",
        )
    ],
    gpt_image("gpt-image-2.6-sunburst"),
    gpt_image("gpt-image-2.6-flare"),
    gpt_image("gpt-image-1.5", shutdown=GPT_IMAGE_1X_SHUTDOWN),
    gpt_image("gpt-image-1-mini", prices=GPT_IMAGE_1_MINI_PRICES, shutdown=GPT_IMAGE_1X_SHUTDOWN),
    gpt_image("chatgpt-image-latest", shutdown=GPT_IMAGE_1X_SHUTDOWN),
    gpt_image("gpt-image-1", prices=GPT_IMAGE_1_PRICES, shutdown=GPT_IMAGE_1_SHUTDOWN),
    DALL_E_3,
    DALL_E_2,
]

GPT_5_4_EFFORTS = ("none", "low", "medium", "high", "xhigh")
GPT_5_EFFORTS = ("minimal", "low", "medium", "high")
CHAT_MODELS = [
    *[
        reasoning_chat(name, efforts=GPT_5_4_EFFORTS + ("max",))
        for name in (
            "gpt-6-astra",
            "gpt-6.2-astra",
            "gpt-6.1-sol",
            "gpt-6.2-sol",
            "gpt-6.1-terra",
            "gpt-6-sol",
            "gpt-6-luna",
            "gpt-5.6-sol",
            "gpt-5.6-terra",
            "gpt-5.6-luna",
        )
    ],
    reasoning_chat("gpt-5.5", efforts=GPT_5_4_EFFORTS),
    reasoning_chat("gpt-5.4", efforts=GPT_5_4_EFFORTS),
    reasoning_chat("gpt-5.4-mini", efforts=GPT_5_4_EFFORTS, prices=tokens("0.75", "4.50", as_of=date(2026, 3, 17))),
    reasoning_chat(
        "gpt-5.4-nano",
        efforts=GPT_5_4_EFFORTS,
        shutdown=CHAT_2027_04_01,
        prices=tokens("0.20", "1.25", as_of=date(2026, 3, 20)),
    ),
    reasoning_chat("gpt-5.2", efforts=GPT_5_4_EFFORTS),
    reasoning_chat("gpt-5.2-pro", efforts=("medium", "high", "xhigh")),
    reasoning_chat("gpt-5.1", efforts=("none", "low", "medium", "high"), shutdown=CHAT_2027_04_01),
    reasoning_chat("gpt-5.3-chat-latest", shutdown=CHAT_2026_08_10),
    reasoning_chat("gpt-5.2-chat-latest", shutdown=CHAT_2026_08_10),
    reasoning_chat("gpt-5.1-chat-latest", shutdown=CHAT_2026_07_23),
    reasoning_chat("gpt-5-chat-latest", shutdown=CHAT_2026_07_23),
    reasoning_chat(
        "gpt-5", efforts=GPT_5_EFFORTS, shutdown=CHAT_2026_12_11, prices=tokens("1.25", "10.00", as_of=date(2025, 8, 7))
    ),
    reasoning_chat(
        "gpt-5-mini",
        efforts=GPT_5_EFFORTS,
        shutdown=CHAT_2026_12_11,
        prices=tokens("0.25", "2.00", as_of=date(2025, 8, 7)),
    ),
    reasoning_chat(
        "gpt-5-nano",
        efforts=GPT_5_EFFORTS,
        shutdown=CHAT_2026_12_11,
        prices=tokens("0.05", "0.40", as_of=date(2025, 8, 7)),
    ),
    reasoning_chat("o3", shutdown=CHAT_2026_12_11, prices=tokens("2.00", "8.00", as_of=date(2025, 6, 10))),
    reasoning_chat("o4-mini", shutdown=CHAT_2026_10_23, prices=tokens("1.10", "4.40", as_of=date(2025, 4, 16))),
    reasoning_chat("o3-mini", shutdown=CHAT_2026_10_23),
    reasoning_chat("o1", shutdown=CHAT_2026_10_23),
    reasoning_chat("o1-preview", shutdown=Shutdown(date(2025, 7, 28), "gpt-5.4-mini")),
    reasoning_chat("o1-mini", shutdown=Shutdown(date(2025, 10, 27), "gpt-5.4-mini")),
    chat("gpt-4.1", shutdown=CHAT_2027_01_14, prices=tokens("2.00", "8.00", as_of=date(2025, 4, 14))),
    chat("gpt-4.1-mini", shutdown=CHAT_2027_01_14, prices=tokens("0.40", "1.60", as_of=date(2025, 4, 14))),
    chat("gpt-4.1-nano", shutdown=CHAT_2026_10_23, prices=tokens("0.10", "0.40", as_of=date(2025, 4, 14))),
    chat("gpt-4o", shutdown=CHAT_2027_01_14, prices=tokens("2.50", "10.00", as_of=date(2024, 10, 1))),
    chat("gpt-4o-2024-05-13", shutdown=CHAT_2026_10_23),
    chat("gpt-4o-mini", shutdown=CHAT_2027_01_14, prices=tokens("0.15", "0.60", as_of=date(2024, 7, 18))),
    chat("chatgpt-4o-latest", shutdown=CHAT_RETIRED_EARLIER),
    chat("gpt-4-turbo", shutdown=CHAT_2026_10_23),
    chat("gpt-4-vision-preview", shutdown=Shutdown(date(2024, 12, 6), "gpt-5.4-mini")),
    chat("gpt-4", shutdown=CHAT_2026_10_23, vision=False),
    chat("gpt-3.5-turbo", shutdown=CHAT_2026_10_23, vision=False),
]

EMBEDDING_MODELS = [
    ModelSpec(
        id="text-embedding-3-small",
        family=EMBEDDING,
        params={"dimensions": ()},
        prices=tokens("0.02", as_of=date(2024, 1, 25)),
    ),
    ModelSpec(
        id="text-embedding-3-large",
        family=EMBEDDING,
        params={"dimensions": ()},
        prices=tokens("0.13", as_of=date(2024, 1, 25)),
    ),
    ModelSpec(id="text-embedding-ada-002", family=EMBEDDING, prices=tokens("0.10", as_of=date(2024, 1, 25))),
]

# The moderation endpoint is free of charge.
FREE_MODERATION = tokens("0", as_of=date(2024, 9, 26), source="OpenAI moderation guide (free of charge)")
MODERATION_MODELS = [
    ModelSpec(id="omni-moderation-latest", family=MODERATION, prices=FREE_MODERATION),
    ModelSpec(id="omni-moderation-2024-09-26", family=MODERATION, prices=FREE_MODERATION),
    ModelSpec(id="text-moderation-latest", family=MODERATION, vision=False, prices=FREE_MODERATION),
    ModelSpec(id="text-moderation-stable", family=MODERATION, vision=False, prices=FREE_MODERATION),
]

MODELS: dict[str, ModelSpec] = {
    spec.id: spec for spec in (*IMAGE_MODELS, *CHAT_MODELS, *EMBEDDING_MODELS, *MODERATION_MODELS)
}

# Defaults for a fresh install: current models not announced for shutdown.
DEFAULT_CAPTION_MODEL = "gpt-5.4-mini"
DEFAULT_IMAGE_MODEL = "gpt-image-2"
DEFAULT_IMAGE_QUALITY = "medium"
DEFAULT_IMAGE_SIZE = "1024x1024"
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
DEFAULT_MODERATION_MODEL = "omni-moderation-latest"
