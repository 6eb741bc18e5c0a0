"""The default contract with the obligations of tests/data/contracts/obligations.yaml."""

from __future__ import annotations

from pathlib import Path

from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract, load_contract

OBLIGATIONS_PATH = Path(__file__).resolve().parents[1] / "data/contracts/obligations.yaml"


def contract_with_obligations(
    directory: Path, *, scoring: str = "", header: str = "", extra: str = ""
) -> Contract:
    """The default contract, its obligations appended; `scoring` (YAML lines indented under
    `scoring:`), `header` (top-level lines such as valid_from) and `extra` (more obligations)
    added as given."""
    text = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
    if scoring:
        text = text.replace("\nscoring:\n", f"\nscoring:\n{scoring}", 1)
    text = f"{text}\n{header}\n{OBLIGATIONS_PATH.read_text(encoding='utf-8')}{extra}"
    path = directory / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path)
