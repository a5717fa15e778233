"""(being rewritten)"""
from __future__ import annotations

from ..base import CaptionRequest, CaptionResult

MODEL_NAME = "local-captioner-v2"


class LocalCaptioner:
    model = MODEL_NAME

    def caption(self, request: CaptionRequest) -> CaptionResult:
        return CaptionResult(text="A tree.", model=MODEL_NAME, input_tokens=1, output_tokens=2)
