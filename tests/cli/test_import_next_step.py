"""After an import that stored rows, `slamon import …` says what to run next: tickets need an
evaluation before the scorecard, records go straight to it, the catalogue and a statement to
the billing check; a refused file says nothing more."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import slamon

DATA = Path(__file__).resolve().parents[1] / "data"
EVALUATE_NEXT = "下一步：slamon evaluate（按合同计算时限与违约），再 slamon score --period YYYY-MM"
SCORE_NEXT = "下一步：slamon score --period YYYY-MM（评分）。"
BILLING_NEXT = "下一步：slamon billing check --period YYYY-MM（核对结算清单）。"


def test_a_ticket_import_says_to_evaluate_then_score(tmp_path: Path) -> None:
    done = slamon(tmp_path, "import", "tickets", str(DATA / "tickets_zh.csv"))
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith(EVALUATE_NEXT)
    assert last.endswith("slamon serve 运行时会自动评估。")


def test_a_profile_import_says_the_same(tmp_path: Path) -> None:
    export = DATA / "zammad_export.csv"
    done = slamon(tmp_path, "import", "tickets", str(export), "--profile", "zammad")
    assert done.returncode in (0, 3), done.stderr
    assert done.stdout.splitlines()[-1].startswith(EVALUATE_NEXT)


def test_a_record_import_says_to_score(tmp_path: Path) -> None:
    done = slamon(tmp_path, "import", "inspections", str(DATA / "inspections_zh.csv"))
    assert done.returncode in (0, 3), done.stderr
    assert done.stdout.splitlines()[-1] == SCORE_NEXT


def test_the_catalogue_and_a_statement_say_to_run_the_billing_check(tmp_path: Path) -> None:
    catalogue = slamon(tmp_path, "import", "catalogue", str(DATA / "billing/catalogue_zh.csv"))
    assert catalogue.returncode in (0, 3), catalogue.stderr
    assert catalogue.stdout.splitlines()[-1] == BILLING_NEXT
    statement = slamon(
        tmp_path,
        "import",
        "statement",
        str(DATA / "billing/statement_2024_03.csv"),
        env={"SLAMON_LANG": "en"},
    )
    assert statement.returncode in (0, 3), statement.stderr
    assert statement.stdout.splitlines()[-1] == (
        "Next: slamon billing check --period YYYY-MM (check the statement)."
    )


def test_a_refused_file_names_no_next_step(tmp_path: Path) -> None:
    done = slamon(tmp_path, "import", "tickets", str(DATA / "tickets_unknown_headers.csv"))
    assert done.returncode == 2
    assert "下一步" not in done.stdout + done.stderr
