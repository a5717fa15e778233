"""What can be wrong with an OpenAI-compatible role's configuration, from the catalogue.

The same findings serve `manage.py check` (at start-up), `providers_check`, chain
start and the roles themselves, which refuse to call a model the checks reject, so
no money is spent on a request that cannot work.
"""

from __future__ import annotations

from datetime import date

from . import catalogue
from .endpoints import SELF_HOSTED, is_paid
from .problems import (
    BAD_SETTING_ID,
    MISSING_KEY_ID,
    MODEL_RETIRED_ID,
    MODEL_RETIRING_ID,
    NO_VISION_ID,
    PARAMETER_REFUSED_ID,
    SHUTDOWN_WARNING_DAYS,
    SIZE_REFUSED_ID,
    Problem,
    error,
    warning,
)

MODEL_RETIRED = "{setting}={model} was retired on {date}; it no longer answers."
MODEL_RETIRED_HINT = "Set {setting}={replacement}."
MODEL_RETIRING = "{setting}={model} shuts down on {date} (in {days} days)."
MODEL_RETIRING_HINT = "Move to {replacement} before then."
PARAMETER_REFUSED = "{setting}={value} is not accepted by {model}: it accepts {accepted}."
PARAMETER_UNSUPPORTED = "{setting}={value} is not accepted by {model}: it takes no {param} parameter."
PARAMETER_HINT = "Change {setting}, or leave it empty."
SIZE_REFUSED = "{setting}={value} is a size {model} cannot make: it makes {accepted}."
NO_VISION = "{setting}={model} cannot see images, so it cannot write captions."
NO_VISION_HINT = "Choose a vision model, e.g. gpt-5.4-mini."
MISSING_KEY = "No API key for the {role} role, and {server} is a paid endpoint."
MISSING_KEY_HINT = "Set OPENAI_{upper}_API_KEY or OPENAI_API_KEY."
BAD_TOKEN_PARAM = (
    "OPENAI_CAPTION_TOKEN_PARAM={value} is not a token parameter: use max_tokens or max_completion_tokens."
)
NO_STYLE_HINT = "GPT image models take no style: describe the style in the prompt instead."

# Configuration keys -> the settings an operator edits, per role.
SETTINGS = {
    "caption": {
        "model": "OPENAI_CAPTION_MODEL",
        "reasoning_effort": "OPENAI_CAPTION_REASONING_EFFORT",
        "token_param": "OPENAI_CAPTION_TOKEN_PARAM",
    },
    "image": {
        "model": "OPENAI_IMAGE_MODEL",
        "size": "OPENAI_IMAGE_SIZE",
        "quality": "OPENAI_IMAGE_QUALITY",
        "style": "OPENAI_IMAGE_STYLE",
        "background": "OPENAI_IMAGE_BACKGROUND",
        "output_format": "OPENAI_IMAGE_OUTPUT_FORMAT",
        "moderation_level": "OPENAI_IMAGE_MODERATION",
        "response_format": "OPENAI_IMAGE_RESPONSE_FORMAT",
    },
    "embedding": {"model": "OPENAI_EMBEDDING_MODEL"},
    "moderation": {"model": "OPENAI_MODERATION_MODEL"},
}
# Configuration keys -> request parameter names, where they differ.
API_NAMES = {"moderation_level": "moderation"}
CHECKED_OPTIONS = {
    "caption": ("reasoning_effort",),
    "image": ("quality", "style", "background", "output_format", "moderation_level", "response_format"),
}


def setting_for(role: str, key: str) -> str:
    return SETTINGS.get(role, {}).get(key, key)


def role_problems(role: str, config: dict, today: date, *, has_key: bool = True) -> list[Problem]:
    """Everything wrong with one role; `has_key` is False when no API key is configured."""
    resolution = catalogue.resolve(config.get("model", ""), role=role)
    spec, endpoint = resolution.spec, config.get("endpoint", "")
    found = _lifecycle_problems(role, config, spec, endpoint, today)
    if spec.known:
        found += _option_problems(role, config, spec)
        if role == "caption" and not spec.vision:
            found.append(
                error(
                    role,
                    NO_VISION.format(setting=setting_for(role, "model"), model=config["model"]),
                    hint=NO_VISION_HINT,
                    id=NO_VISION_ID,
                )
            )
    if role == "caption" and config.get("token_param") not in (None, "", *catalogue.TOKEN_PARAMS):
        found.append(error(role, BAD_TOKEN_PARAM.format(value=config["token_param"]), id=BAD_SETTING_ID))
    if not has_key and is_paid(endpoint):
        found.append(
            error(
                role,
                MISSING_KEY.format(role=role, server=config.get("server", "")),
                hint=MISSING_KEY_HINT.format(upper=role.upper()),
                id=MISSING_KEY_ID,
            )
        )
    return found


def _lifecycle_problems(role, config, spec, endpoint, today) -> list[Problem]:
    """Shutdown dates are OpenAI's: on a self-hosted server the same name is just an alias."""
    if spec.shutdown is None or endpoint == SELF_HOSTED:
        return []
    setting, model = setting_for(role, "model"), config.get("model", "")
    shutdown = spec.shutdown
    if today >= shutdown.on:
        return [
            error(
                role,
                MODEL_RETIRED.format(setting=setting, model=model, date=shutdown.on.isoformat()),
                hint=MODEL_RETIRED_HINT.format(setting=setting, replacement=shutdown.replacement),
                id=MODEL_RETIRED_ID,
            )
        ]
    days = (shutdown.on - today).days
    if days <= SHUTDOWN_WARNING_DAYS:
        return [
            warning(
                role,
                MODEL_RETIRING.format(setting=setting, model=model, date=shutdown.on.isoformat(), days=days),
                hint=MODEL_RETIRING_HINT.format(replacement=shutdown.replacement),
                id=MODEL_RETIRING_ID,
            )
        ]
    return []


def _option_problems(role: str, config: dict, spec: catalogue.ModelSpec) -> list[Problem]:
    found = []
    for key in CHECKED_OPTIONS.get(role, ()):
        value = config.get(key)
        if value in (None, ""):
            continue
        param, setting = API_NAMES.get(key, key), setting_for(role, key)
        if not spec.accepts(param):
            hint = NO_STYLE_HINT if param == "style" else PARAMETER_HINT.format(setting=setting)
            found.append(
                error(
                    role,
                    PARAMETER_UNSUPPORTED.format(setting=setting, value=value, model=spec.id, param=param),
                    hint=hint,
                    id=PARAMETER_REFUSED_ID,
                )
            )
        elif spec.allowed(param) and value not in spec.allowed(param):
            found.append(
                error(
                    role,
                    PARAMETER_REFUSED.format(
                        setting=setting, value=value, model=spec.id, accepted=", ".join(spec.allowed(param))
                    ),
                    hint=PARAMETER_HINT.format(setting=setting),
                    id=PARAMETER_REFUSED_ID,
                )
            )
    size = config.get("size")
    if role == "image" and size and spec.sizes is not None and not spec.sizes.accepts(size):
        found.append(
            error(
                role,
                SIZE_REFUSED.format(
                    setting=setting_for(role, "size"), value=size, model=spec.id, accepted=spec.sizes.describe()
                ),
                hint=PARAMETER_HINT.format(setting=setting_for(role, "size")),
                id=SIZE_REFUSED_ID,
            )
        )
    return found
