"""`slamon import roster` from the command line: the summary, each bad row with its line,
column and reason, and the exit code, in Chinese and with SLAMON_LANG=en in English."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import slamon

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster_zh.csv"


def test_a_roster_with_bad_rows_stores_the_good_ones_and_exits_3_in_chinese(
    tmp_path: Path,
) -> None:
    done = slamon(tmp_path, "import", "roster", str(ROSTER))
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == [
        f"{ROSTER}：读取 12 行；新增 7，更新 0，未变 0，拒绝 5",
        "下一步：slamon score --period YYYY-MM（评分）。",
    ]
    problems = done.stderr.splitlines()
    assert problems[0] == (
        "  第 9 行，值班人员 孙丽，列 start (开始时间)：'8点' 不是时刻，请写成 HH:MM"
        "（如 08:00、20:00、24:00）"
    )
    assert "  第 10 行，列 person (值班人员)：必填项为空" in problems
    assert len(problems) == 5


def test_the_same_roster_in_english_and_imported_again_changes_nothing(tmp_path: Path) -> None:
    slamon(tmp_path, "import", "roster", str(ROSTER))
    done = slamon(tmp_path, "import", "roster", str(ROSTER), env={"SLAMON_LANG": "en"})
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"{ROSTER}: 12 rows read; 0 inserted, 0 updated, 7 unchanged, 5 rejected"
    )
    assert (
        "  line 12, person 吴敏: start (开始时间) cannot be 24:00; write 00:00 of the next day"
        in (done.stderr.splitlines())
    )


def test_a_clean_roster_exits_0_and_an_unusable_one_2(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("date,pool,start,end,person\n2022-03-01,一云,08:00,08:00,Li Lei\n", "utf-8")
    assert slamon(tmp_path, "import", "roster", str(clean)).returncode == 0
    unusable = tmp_path / "unusable.csv"
    unusable.write_text("日期,资源池,机房\n2022-03-01,一云,A\n", "utf-8")
    done = slamon(tmp_path, "import", "roster", str(unusable), env={"SLAMON_LANG": "en"})
    assert done.returncode == 2
    assert "机房" in done.stderr and "person (值班人员)" in done.stderr
