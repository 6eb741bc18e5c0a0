"""Every importer fed mutated copies of its real fixture, in-process, on SQLite and PostgreSQL:
never an exception other than "this file cannot be used" (exit 2, nothing stored), every
problem on a line, every rejected row kept, and every good row that survived intact stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from monitor.contract.model import Contract
from tests.badinput.fuzzing import FUZZ, import_and_check
from tests.badinput.importers import IMPORTERS, Importer, wipe
from tests.badinput.mutations import Mutant, csv_mutant, json_mutant, xlsx_mutant


def mutants(importer: Importer) -> st.SearchStrategy[Mutant]:
    if importer.path.suffix == ".xlsx":
        return xlsx_mutant(importer.path, importer.header_row)
    if importer.path.suffix == ".json":
        return json_mutant(importer.path)
    return csv_mutant(importer.path)


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_the_pristine_fixture_stores_exactly_its_good_rows(
    importer: Importer, sqlite_engine: Engine, contract: Contract
) -> None:
    importer.run(sqlite_engine, importer.path, contract)
    expected = {importer.key_of(row) for row in importer.good}
    assert importer.stored_keys(sqlite_engine) == expected


def test_the_servicenow_fixture_has_its_37_incidents() -> None:
    (servicenow,) = [i for i in IMPORTERS if i.name == "profile-servicenow"]
    assert len({servicenow.key_of(row) for row in servicenow.good}) == 37


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_a_mutated_file_is_never_a_crash_and_loses_no_good_row(
    importer: Importer, engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    @FUZZ
    @given(mutant=mutants(importer))
    def check(mutant: Mutant) -> None:
        wipe(engine)
        path = mutant.write(tmp_path)
        import_and_check(importer, engine, contract, mutant, path)

    check()
