"""The sample year (samples/2022/) is what samples/make_sample_year.py writes, and holds what
the README says it holds."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "2022"


def rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "samples" / "make_sample_year.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in SAMPLE.iterdir()}
    assert sorted(written) == sorted(committed)
    changed = [name for name in written if written[name] != committed[name]]
    assert changed == [], "run python samples/make_sample_year.py and commit samples/2022/"


def test_a_year_of_work_orders_with_six_major_faults() -> None:
    updates = rows("tickets_nanguan_2022.csv")
    last = {row["工单编号"]: row for row in updates}  # each order as of its last update
    assert Counter(row["工单类型"] for row in last.values()) == {
        "故障": 170, "监控服务": 120, "服务请求": 80, "告警": 40, "资源申请": 30, "数据恢复": 8
    }  # fmt: skip
    majors = sorted(key for key, row in last.items() if row["紧急程度"] == "特急")
    assert majors == [f"GZ-2022-{n:04d}" for n in (31, 57, 88, 102, 131, 150)]
    late = [row for row in updates if row["工单编号"] == "GZ-2022-0102"]
    assert [(row["状态更新时间"], row["工单状态"]) for row in late][-2:] == [
        ("2022/08/17 18:00", "待用户确认"),
        ("2022/08/29 17:00", "已关闭"),
    ]
    assert late[-1]["报告提交时间"] == "2022/08/29 16:00"


def test_the_monthly_figures_average_to_the_december_reports() -> None:
    figures = [row for row in rows("usage_2022.csv") if not row["资源编号"]]
    for pool, expected in (("一云", (47.4, 64.6, 63.8)), ("二云", (45.0, 57.01, 68.0))):
        months = [row for row in figures if row["资源池"] == pool]
        assert len(months) == 12
        for column, value in zip(("CPU使用率", "内存使用率", "存储使用率"), expected, strict=True):
            assert round(mean(float(row[column]) for row in months), 2) == value


def test_four_surveys_of_14_14_14_and_30_replies() -> None:
    replies = rows("surveys_2022.csv")
    assert Counter(row["调查批次"] for row in replies) == {
        "2022年第一次": 14, "2022年第二次": 14, "2022年第三次": 14, "2022年第四次": 30
    }  # fmt: skip
    ratings = Counter(row["总体评价"] for row in replies)
    assert ratings == {"非常满意": 38, "比较满意": 20, "一般": 9, "不满意": 5}  # 5940 / 72
