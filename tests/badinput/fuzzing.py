"""Hypothesis settings for the bad-input suites, and the properties every import must keep.

CI uses the `badinput` profile: derandomized (the same examples on every run), a few examples
per importer so the folder stays well under two minutes on two cores. For a deeper local hunt:
SLAMON_FUZZ_PROFILE=badinput-deep (random, many more examples).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text

from collectors.files.import_report import ImportFileError
from monitor.contract.model import Contract
from tests.badinput.importers import Importer
from tests.badinput.mutations import Mutant

_SLOW_IS_FINE = [
    HealthCheck.function_scoped_fixture,  # the database is emptied before each example
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "badinput",
    max_examples=int(os.environ.get("SLAMON_FUZZ_EXAMPLES", "8")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.register_profile(
    "badinput-deep",
    max_examples=int(os.environ.get("SLAMON_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
FUZZ = settings.get_profile(os.environ.get("SLAMON_FUZZ_PROFILE", "badinput"))

EXIT_UNREADABLE = 2


def import_and_check(
    importer: Importer, engine: Engine, contract: Contract, mutant: Mutant, path: Any
) -> int:
    """Import `path` in-process and assert every bad-input property; the exit code."""
    try:
        report = importer.run(engine, path, contract)
    except ImportFileError as error:
        assert str(error).strip()
        assert importer.stored_keys(engine) == set(), "exit 2 promises nothing stored"
        assert _count(engine, "import_run") == 0
        return EXIT_UNREADABLE
    assert report.exit_code in (0, 3)
    assert (report.exit_code == 3) == (report.rejected_rows > 0)
    longest = mutant.data.count(b"\n") + mutant.data.count(b"\r") + 2
    for problem in report.problems:
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        if mutant.suffix != ".xlsx":
            assert problem.line <= longest, problem
    assert _count(engine, "rejected_row") == report.rejected_rows
    assert _count(engine, "rejected_row WHERE line IS NULL OR line < 1") == 0
    survivors = {importer.key_of(origin) for origin in mutant.intact & importer.good}
    missing = survivors - importer.stored_keys(engine)
    assert not missing, f"good rows not stored: {sorted(missing)} from {mutant!r}"
    return int(report.exit_code)


def _count(engine: Engine, table_and_condition: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text(f"SELECT count(*) FROM {table_and_condition}")).scalar_one()
        )
