"""The base of slamon's configuration models (contract, mapping profiles): an unknown key is
refused — a misspelt one would otherwise be silently ignored — and a loaded model is frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
