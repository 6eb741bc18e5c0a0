"""The one base of slamon's configuration models: contract, mapping profiles, collector and
alerting settings, manual scores."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A configuration model: an unknown key is refused and a loaded model is frozen."""

    # A misspelt key would otherwise be silently ignored, and a loaded file is shared by
    # every caller, so none may change it.
    model_config = ConfigDict(extra="forbid", frozen=True)
