"""run_all's rows: what each benchmark's JSON says, as table rows; the goals; the table.

A row is {bench, measurement, median_s, rows_per_s, baseline, ratio, peak_rss_mib, note}:
`ratio` is median / the baseline's median, both measured in the same run by the same script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


def _row(
    bench: str,
    measurement: str,
    median: float | None,
    peak: float | None,
    *,
    baseline: str | None = None,
    baseline_median: float | None = None,
    rows: int | None = None,
    note: str = "",
) -> Row:
    ratio = None
    if baseline_median and median is not None:
        ratio = median / baseline_median
    return {
        "bench": bench,
        "measurement": measurement,
        "median_s": median,
        "rows_per_s": rows / median if rows and median else None,
        "baseline": baseline,
        "ratio": ratio,
        "peak_rss_mib": peak,
        "note": note,
    }


def core(document: dict[str, Any], peak: float, _pg: bool) -> list[Row]:
    tickets = document["meta"]["tickets"]
    medians = {m["name"]: m["median_s"] for m in document["measurements"]}
    rows = [
        _row(
            "core",
            m["name"],
            m["median_s"],
            peak,
            baseline=m["baseline"],
            baseline_median=medians.get(m["baseline"]) if m["baseline"] else None,
            rows=tickets,
            note=m["what"],
        )
        for m in document["measurements"]
    ]
    # The second import floor: the raw driver into slamon's own ticket table (key, indexes).
    # Each import row is repeated against it, so both ratios are printed side by side.
    floors = {f["name"]: f for f in document.get("ticket_table_baselines", [])}
    for floor in floors.values():
        rows.append(
            _row("core", floor["name"], floor["median_s"], peak, rows=tickets, note=floor["what"])
        )
    for m in document["measurements"]:
        floor = floors.get(m.get("baseline_ticket_table") or "")
        if floor is not None:
            rows.append(
                _row(
                    "core",
                    f"{m['name']} ÷ ticket table",
                    m["median_s"],
                    peak,
                    baseline=floor["name"],
                    baseline_median=floor["median_s"],
                    rows=tickets,
                    note=f"{m['what']}, against {floor['name']}",
                )
            )
    return rows


def import_memory(document: dict[str, Any], _peak: float, _pg: bool) -> list[Row]:
    return [
        _row(
            "import_memory",
            "import_tickets, own process",
            document["import_seconds"],
            document["peak_rss_mib"],
            rows=document["rows"],
            note=f"{document['rows']:,} rows, {document['csv_mib']:.0f} MiB CSV; peak RSS of "
            "the importing process",
        )
    ]


def availability(document: dict[str, Any], peak: float, pg: bool) -> list[Row]:
    prometheus = document["prometheus_avg_over_time"]["median_s"]
    samples = document["samples"]
    size = f"{document['resources']} resources × {document['days']} days"
    rows = [
        _row(
            "availability",
            "baseline.prometheus_avg_over_time",
            prometheus,
            peak,
            rows=samples,
            note=f"{size}; Prometheus's own memory is not counted",
        )
    ]
    for database in ("sqlite", "postgresql"):
        key = f"{database}_availability_report"
        if key not in document:
            if database == "postgresql" and not pg:
                rows.append(_skipped("availability", f"{database}.availability_report"))
            continue
        difference = document[f"{database}_max_abs_difference"]
        rows.append(
            _row(
                "availability",
                f"{database}.availability_report",
                document[key]["median_s"],
                peak,
                baseline="baseline.prometheus_avg_over_time",
                baseline_median=prometheus,
                rows=samples,
                note=f"largest difference from Prometheus {difference:.1e}",
            )
        )
        before = document.get(f"{database}_quarter_hour_sums")
        if before is not None:  # older JSON files do not have it
            rows.append(
                _row(
                    "availability",
                    f"{database}.quarter_hour_sums",
                    before["median_s"],
                    peak,
                    baseline="baseline.prometheus_avg_over_time",
                    baseline_median=prometheus,
                    rows=samples,
                    note="the period's sums from quarter hours alone (the read before 0007)",
                )
            )
    return rows


def _skipped(bench: str, measurement: str) -> Row:
    row = _row(bench, measurement, None, None, note="skipped: no PostgreSQL (--pg-url)")
    row["skipped"] = True
    return row


def servicenow(document: dict[str, Any], peak: float, _pg: bool) -> list[Row]:
    rows = document["rows_read"]
    return [
        _row("servicenow", "import (servicenow profile)", document["import_seconds"], peak,
             rows=rows, note=f"{rows:,} real events, {document['tickets']:,} incidents"),
        _row("servicenow", "import again (no-op)", document["reimport_seconds"], peak, rows=rows),
        _row("servicenow", "load + evaluate", document["load_and_evaluate_seconds"], peak,
             note=f"{document['results']:,} results"),
    ]  # fmt: skip


def service(document: dict[str, Any], peak: float, _pg: bool) -> list[Row]:
    tickets = document["meta"]["tickets"]
    rows = []
    if "breach_latency_median_s" in document:  # not with --metrics-only
        rows.append(
            _row("service", "deadline → breach alert", document["breach_latency_median_s"], peak,
                 note=f"max {document['breach_latency_max_s']} s over "
                 f"{len(document['breach_latency_s'])} samples; {tickets:,} tickets")
        )  # fmt: skip
    if "service_whole_evaluation_s" in document:  # --metrics-only
        rows.append(
            _row("service", "whole evaluation (5,000-ticket chunks)",
                 document["service_whole_evaluation_s"], peak, rows=tickets,
                 note=f"the service's first, at start-up; {tickets:,} tickets")
        )  # fmt: skip
    rows.append(
        _row("service", "/metrics scrape", document["metrics_scrape_median_s"], peak,
             note=f"{document['metrics_bytes']:,} bytes; {tickets:,} tickets; from the snapshot")
    )  # fmt: skip
    if "metrics_snapshot_refresh_median_s" in document:  # --metrics-only
        rows.append(
            _row("service", "/metrics snapshot refresh",
                 document["metrics_snapshot_refresh_median_s"], peak,
                 note=f"off the scrape path: after writes and every 15 s; {tickets:,} tickets")
        )  # fmt: skip
    return rows


def dashboard(document: dict[str, Any], peak: float, _pg: bool) -> list[Row]:
    tickets = document["meta"]["tickets"]
    queries = document["queries_best_of_seconds"]
    render = document["apptest_seconds"]
    note = f"{tickets:,} tickets; bound 2 s at 1,000,000"
    return [
        _row("dashboard", "overview queries (sum, best of N)",
             queries["sum of the overview's queries"], peak, note=f"{tickets:,} tickets"),
        _row("dashboard", "first render, new session (worst of 3)",
             render["first render (new session, worst of 3)"], peak, note=note),
        _row("dashboard", "first render, cold process",
             render["cold process first render"], peak, note="pays for importing pandas/Altair"),
    ]  # fmt: skip


def idle(document: dict[str, Any], peak: float, pg: bool) -> list[Row]:
    size = f"{document['hosts']} hosts × {document['days']} days"
    floor = document["baseline_numpy_windows"]["median_s"]
    same = "same findings as the loop" if document["same_findings"] else "FINDINGS DIFFER"
    rows = [
        _row("idle", "baseline.numpy_windows", floor, peak,
             note=f"{size}; running sums over per-day arrays"),
        _row("idle", "idle_hosts (arrays)", document["idle_hosts"]["median_s"], peak,
             baseline="baseline.numpy_windows", baseline_median=floor,
             note=f"{document['idle_hosts_found']} idle; {same}"),
        _row("idle", "idle_hosts (day-by-day loop)", document["loop_idle_hosts"]["median_s"],
             peak, baseline="baseline.numpy_windows", baseline_median=floor,
             note="the check before it was vectorised"),
    ]  # fmt: skip
    for database in ("sqlite", "postgresql"):
        for what in ("daily_stats", "busy_days", "idle_report", "idle_report_full_read"):
            key = f"{database}_{what}"
            if key not in document:
                if database == "postgresql" and not pg and what == "idle_report":
                    rows.append(_skipped("idle", f"{database}.{what}"))
                continue
            rows.append(
                _row("idle", f"{database}.{what}", document[key]["median_s"], peak,
                     baseline="baseline.numpy_windows", baseline_median=floor,
                     rows=document["rows"], note=_idle_note(document, database, what, size))
            )  # fmt: skip
    return rows


def _idle_note(document: dict[str, Any], database: str, what: str, size: str) -> str:
    note = f"{size}, {document['rows']:,} quarter hours"
    if what == "idle_report" and "hosts_read" in document:
        same = document.get(f"{database}_same_report")
        agree = "same as the full read" if same else "DIFFERS FROM THE FULL READ"
        note += f"; quarter hours of {document['hosts_read']} hosts; {agree}"
    return note


EXTRACTORS: dict[str, Callable[[dict[str, Any], float, bool], list[Row]]] = {
    "core": core,
    "import_memory": import_memory,
    "availability": availability,
    "servicenow": servicenow,
    "service": service,
    "dashboard": dashboard,
    "idle": idle,
}

# --------------------------------------------------------------------------- goals


def _find(rows: list[Row], bench: str, measurement: str) -> Row | None:
    for row in rows:
        if row["bench"] == bench and row["measurement"] == measurement and row["median_s"]:
            return row
    return None


def _ratio_goal(goal: str, rows: list[Row], pairs: list[tuple[str, str]], bound: float) -> Row:
    measured = []
    for bench, measurement in pairs:
        row = _find(rows, bench, measurement)
        if row is not None and row["ratio"] is not None:
            measured.append(f"{measurement} {row['ratio']:.2f}×")
    ratios = [
        r["ratio"]
        for b, m in pairs
        if (r := _find(rows, b, m)) is not None and r["ratio"] is not None
    ]
    met = None if not ratios else all(ratio <= bound for ratio in ratios)
    return {"goal": goal, "measured": ", ".join(measured) or "not measured", "met": met}


def evaluation_goal(rows: list[Row]) -> Row:
    # The rules over the loaded timestamp arrays: the pass the NumPy floor does too.
    pairs = [("core", "evaluation.first.evaluate"), ("core", "evaluation.second.evaluate")]
    return _ratio_goal("evaluation (rules) within 10× of the NumPy floor", rows, pairs, 10.0)


def evaluation_end_to_end_goal(rows: list[Row]) -> Row:
    # Reading and writing the database as well: reported so nobody mistakes the rules' ratio
    # for the whole command's.
    pairs = [("core", "evaluation.first"), ("core", "evaluation.second")]
    return _ratio_goal(
        "evaluate command incl. load/store within 10× of the floor", rows, pairs, 10.0
    )


def import_goal(rows: list[Row]) -> Row:
    """Judged against the raw driver writing into slamon's own ticket table (its unique key
    and indexes: the work the import cannot skip); the ratios to a plain table, which has
    neither, are printed beside them. Without the second floor (an older core.json), the
    plain-table ratios judge it, as before."""
    plain = [("core", "import.first"), ("core", "pg.import.first")]
    real = [("core", f"{name} ÷ ticket table") for _bench, name in plain]
    judged = _ratio_goal("import within 2× of the raw driver", rows, real, 2.0)
    against_plain = _ratio_goal("", rows, plain, 2.0)
    if judged["met"] is None:
        judged = _ratio_goal("import within 2× of the raw driver", rows, plain, 2.0)
        judged["measured"] += " (against a plain table)"
        return judged
    judged["measured"] = (
        f"into slamon's ticket table: {judged['measured']}; "
        f"into a plain table: {against_plain['measured']}"
    )
    return judged


def availability_goal(rows: list[Row]) -> Row:
    pairs = [
        ("availability", "sqlite.availability_report"),
        ("availability", "postgresql.availability_report"),
    ]
    goal = _ratio_goal("availability faster than Prometheus, same numbers", rows, pairs, 1.0)
    for bench, measurement in pairs:
        row = _find(rows, bench, measurement)
        if row is not None and "1e" in row["note"]:
            difference = float(row["note"].rsplit(" ", 1)[1])
            if difference > 1e-9:
                goal["met"] = False
    return goal


def memory_goal(rows: list[Row]) -> Row:
    row = _find(rows, "import_memory", "import_tickets, own process")
    goal = "peak memory of a 1,000,000-row import under 1 GB"
    if row is None:
        return {"goal": goal, "measured": "not measured", "met": None}
    rows_imported = round(row["rows_per_s"] * row["median_s"])
    measured = f"{row['peak_rss_mib']:.0f} MiB at {rows_imported:,} rows"
    if rows_imported < 1_000_000:
        return {"goal": goal, "measured": measured + " (run --full for 1,000,000)", "met": None}
    return {"goal": goal, "measured": measured, "met": row["peak_rss_mib"] < 1024}


GOALS = (
    evaluation_goal,
    evaluation_end_to_end_goal,
    import_goal,
    availability_goal,
    memory_goal,
)

# --------------------------------------------------------------------------- printing


def _number(value: float | None, form: str) -> str:
    return "—" if value is None else format(value, form)


def render(result: dict[str, Any]) -> str:
    head = (
        f"{'bench':<13} {'measurement':<40} {'median s':>9} {'rows/s':>11} "
        f"{'× baseline':>10} {'peak RSS MiB':>12}  note"
    )
    lines = [head, "-" * len(head)]
    for row in result["rows"]:
        ratio = "(baseline)" if row["measurement"].startswith("baseline.") else None
        lines.append(
            f"{row['bench']:<13} {row['measurement']:<40} {_number(row['median_s'], '.3f'):>9} "
            f"{_number(row['rows_per_s'], ',.0f'):>11} "
            f"{ratio or _number(row['ratio'], '.2f'):>10} "
            f"{_number(row['peak_rss_mib'], '.0f'):>12}  {row['note']}"
        )
    for name, why in result["skipped"].items():
        lines.append(f"skipped {name}: {why}")
    lines.append("")
    lines.append("goals:")
    verdicts = {True: "MET", False: "NOT MET", None: "not measured"}
    for goal in result["goals"]:
        lines.append(f"  {verdicts[goal['met']]:<13} {goal['goal']}: {goal['measured']}")
    return "\n".join(lines)


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Each row's median and ratio now against the same row of an older run."""
    before = {(row["bench"], row["measurement"]): row for row in old.get("rows", [])}
    lines = [f"{'bench':<13} {'measurement':<40} {'old s':>9} {'new s':>9} {'change':>8}"]
    for row in new["rows"]:
        previous = before.get((row["bench"], row["measurement"]))
        if previous is None or not previous["median_s"] or row["median_s"] is None:
            continue
        change = (row["median_s"] / previous["median_s"] - 1) * 100
        lines.append(
            f"{row['bench']:<13} {row['measurement']:<40} {previous['median_s']:>9.3f} "
            f"{row['median_s']:>9.3f} {change:>+7.0f}%"
        )
    return "\n".join(lines)
