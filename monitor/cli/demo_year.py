"""The demo's sample year (samples/2022/, written by samples/make_sample_year.py): its files,
the fresh SQLite database it is loaded into, and the loading, through the same importers as
`slamon import`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from collectors.files.import_report import ImportFileError, ImportReport
from collectors.records import RECORD_IMPORTERS
from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.cli.context import UsageProblem
from monitor.cli.import_output import print_report
from monitor.cli.profile_import_cmd import print_summary
from monitor.contract.model import Contract
from monitor.domain.message import Message

SAMPLE_YEAR = Path(__file__).resolve().parents[2] / "samples" / "2022"
SAMPLE_CONTRACT = SAMPLE_YEAR / "contract.yaml"
SAMPLE_MANUAL = SAMPLE_YEAR / "manual_2022.yaml"
# The 纳管平台 export: one row per status update of every work order of the year.
SAMPLE_TICKETS_PROFILE = ("tickets_nanguan_2022.csv", "nanguan")
# Record kind → its file, in the order they are loaded (the inventory first).
SAMPLE_RECORDS = {
    "resources": "resources_2022.csv",
    "outages": "outages_2022.csv",
    "usage": "usage_2022.csv",
    "inspections": "inspections_2022.csv",
    "surveys": "surveys_2022.csv",
}
RECORD_SOURCE = "sample"
Report = TypeVar("Report", bound=ImportReport)
# Beside the database file: it was made by the demo, so the next demo may make it anew.
_MARKER_SUFFIX = ".demo"


def check_installed(*others: Path) -> None:
    """Refuse to start without the sample year (and `others`) beside the code: an install
    from a wheel has none, a checkout installed with `pip install -e .` has them."""
    needed = [SAMPLE_CONTRACT, SAMPLE_MANUAL, SAMPLE_YEAR / SAMPLE_TICKETS_PROFILE[0]]
    needed += [SAMPLE_YEAR / name for name in SAMPLE_RECORDS.values()]
    missing = [str(path) for path in [*needed, *others] if not path.is_file()]
    if missing:
        files = ", ".join(missing)
        raise UsageProblem(
            Message(
                f"演示所需的文件未与 slamon 一同安装（{files}）：请在用 "
                "python -m pip install -e . 安装的源码目录中运行",
                f"the demo's files are not installed next to slamon ({files}): run it "
                "from a checkout installed with python -m pip install -e .",
            )
        )


def fresh_database(url: str) -> str:
    """The demo's SQLite database, emptied: `url` as an absolute sqlite URL.

    A file the demo made before is made anew; any other existing file is refused, as is a
    database that is not a SQLite file (the demo never empties someone's data).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise UsageProblem(
            Message(
                f"slamon demo 把样例年载入它自己的 SQLite 文件，而不是 {parsed!r}："
                "请取消 SLAMON_DATABASE_URL 或设为 sqlite:///data/demo.db",
                f"slamon demo loads its sample year into a SQLite file of its own, not "
                f"{parsed!r}: unset SLAMON_DATABASE_URL or set it to sqlite:///data/demo.db",
            )
        )
    path = Path(str(parsed.database)).resolve()
    marker = path.with_name(path.name + _MARKER_SUFFIX)
    if path.exists():
        if not marker.exists():
            raise UsageProblem(
                Message(
                    f"{path} 中有不是演示生成的数据，而演示从空数据库开始："
                    "请设置 SLAMON_DATABASE_URL=sqlite:///data/demo.db（或删除该文件）",
                    f"{path} holds data the demo did not make, and the demo starts from an empty "
                    "database: set SLAMON_DATABASE_URL=sqlite:///data/demo.db (or remove the file)",
                )
            )
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by slamon demo, which empties it on its next run\n", "utf-8")
    return f"sqlite:///{path}"


def load_sample_year(engine: Engine, contract: Contract, now: datetime) -> None:
    """Import every file of the sample year, printing each import's summary as the CLI does."""
    name, profile = SAMPLE_TICKETS_PROFILE
    tickets = _imported(
        lambda: import_with_profile(
            engine,
            SAMPLE_YEAR / name,
            load_profile(profile),
            contract,
            source=profile,
            now=now,
        )
    )
    print_summary(tickets)
    for kind, file_name in SAMPLE_RECORDS.items():
        importer = RECORD_IMPORTERS[kind].import_file
        path = SAMPLE_YEAR / file_name
        print_report(
            _imported(partial(importer, engine, path, contract, source=RECORD_SOURCE, now=now))
        )


def _imported(importing: Callable[[], Report]) -> Report:
    """The report of a sample file's import, which stores every row or is a broken sample."""
    try:
        report = importing()
    except ImportFileError as error:
        raise UsageProblem(
            Message("样例年已损坏：", "the sample year is damaged: ") + error.message
        ) from None
    if report.exit_code != 0:
        raise UsageProblem(
            Message(
                f"样例年已损坏：{report.path} 有被拒绝的行"
                "（请用 python samples/make_sample_year.py 重新生成）",
                f"the sample year is damaged: {report.path} had rows rejected "
                "(regenerate it with python samples/make_sample_year.py)",
            )
        )
    return report
