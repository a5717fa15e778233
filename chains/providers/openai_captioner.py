"""Captions from any OpenAI-compatible chat server, with the image as a base64 data URL.

The token parameter follows the model: reasoning models (gpt-5 and later, the o
series) take `max_completion_tokens`, which also bounds their hidden reasoning, and
refuse a temperature; everything else (gpt-4o, and Ollama, vLLM, LM Studio,
llama.cpp) takes `max_tokens`. OPENAI_CAPTION_TOKEN_PARAM overrides the choice for a
server the catalogue cannot recognise. A reasoning model that spends its whole bound
thinking answers `finish_reason == "length"` with no text: that is retried once
with a larger bound, then fails with a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import costs, modes
from . import catalogue
from .base import CaptionRequest, CaptionResult, ProviderError
from .openai import RetriedRole, guarded, refuse_if_unusable, usage_count, usage_of
from .openai_images import image_data_url

EMPTY_CAPTION = "The vision model returned an empty caption."
CAPTION_REFUSED = "The vision model refused to describe the image: {detail}"
CAPTION_CUT_OFF = (
    "The vision model spent all {bound} tokens without writing a caption (finish_reason=length, "
    "tried twice). Lower OPENAI_CAPTION_REASONING_EFFORT or choose a model that thinks less."
)

CAPTION_TEMPERATURE = 0.7
# Reasoning tokens count against max_completion_tokens: room for them on top of the caption.
REASONING_ALLOWANCE = 1024
# The one retry after a cut-off gets this many times the first bound.
RETRY_BOUND_FACTOR = 4


@dataclass(frozen=True)
class Answer:
    text: str
    finish_reason: str
    refusal: str
    usage: dict
    request_id: str


@dataclass
class OpenAICaptioner(RetriedRole):
    spec: catalogue.ModelSpec = field(init=False)

    def __post_init__(self):
        self.spec = catalogue.lookup(self.model, role="caption")

    @property
    def token_param(self) -> str:
        return self.config.get("token_param") or self.spec.token_param

    def caption(self, request: CaptionRequest) -> CaptionResult:
        refuse_if_unusable("caption", self.config)
        bound = first_bound(self.token_param, modes.max_caption_tokens(request.detail))
        answers = [self._ask(request, bound)]
        if not answers[0].text and answers[0].finish_reason == "length":
            bound *= RETRY_BOUND_FACTOR
            answers.append(self._ask(request, bound))
        return self._result(answers, bound)

    def _ask(self, request: CaptionRequest, bound: int) -> Answer:
        response = self.retry.run(lambda: guarded(lambda: self._create(request, bound)), what="caption")
        return read_answer(response)

    def _create(self, request: CaptionRequest, bound: int):
        return self.client.chat.completions.create(
            model=self.model,
            messages=[caption_message(request)],
            timeout=self.timeout,
            **caption_params(self.spec, self.config, self.token_param, bound),
        )

    def _result(self, answers: list[Answer], bound: int) -> CaptionResult:
        final = answers[-1]
        input_tokens = sum(usage_count(answer.usage, "prompt_tokens") for answer in answers)
        output_tokens = sum(usage_count(answer.usage, "completion_tokens") for answer in answers)
        if not final.text:
            raise ProviderError(self._why_empty(final, bound), permanent=True)
        charge = costs.charge_text(
            role="caption",
            model=self.model,
            endpoint=self.endpoint,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
        )
        usage = dict(final.usage)
        if len(answers) > 1:
            usage.update(
                attempts=len(answers),
                prompt_tokens=input_tokens,
                completion_tokens=output_tokens,
                request_ids=[answer.request_id for answer in answers],
            )
        return CaptionResult(
            text=final.text,
            model=self.model,
            request_id=final.request_id,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            usage=usage,
            cost=charge.cost,
            price_source=charge.source,
            estimated=charge.estimated,
        )

    @staticmethod
    def _why_empty(answer: Answer, bound: int) -> str:
        if answer.refusal:
            return CAPTION_REFUSED.format(detail=answer.refusal.strip())
        if answer.finish_reason == "length":
            return CAPTION_CUT_OFF.format(bound=bound)
        return EMPTY_CAPTION


def first_bound(token_param: str, caption_tokens: int) -> int:
    if token_param == catalogue.MAX_COMPLETION_TOKENS:
        return caption_tokens + REASONING_ALLOWANCE
    return caption_tokens


def caption_params(spec: catalogue.ModelSpec, config: dict, token_param: str, bound: int) -> dict:
    """The token bound under the right name, a temperature where taken, the effort if set."""
    params: dict = {token_param: bound}
    reasoning = token_param == catalogue.MAX_COMPLETION_TOKENS
    if spec.temperature and not reasoning:
        params["temperature"] = CAPTION_TEMPERATURE
    effort = config.get("reasoning_effort")
    if effort and (spec.accepts("reasoning_effort") or not spec.known):
        params["reasoning_effort"] = effort
    return params


def caption_message(request: CaptionRequest) -> dict:
    return {
        "role": "user",
        "content": [
            {"type": "text", "text": request.instructions},
            {"type": "image_url", "image_url": {"url": image_data_url(request.image)}},
        ],
    }


def read_answer(response) -> Answer:
    choice = response.choices[0] if response.choices else None
    message = choice.message if choice else None
    usage = usage_of(response)
    served = getattr(response, "model", "") or ""
    if served:
        usage["served_model"] = served
    return Answer(
        text=((message.content or "").strip() if message else ""),
        finish_reason=(getattr(choice, "finish_reason", "") or "") if choice else "",
        refusal=(getattr(message, "refusal", "") or "") if message else "",
        usage=usage,
        request_id=response._request_id or "",
    )
