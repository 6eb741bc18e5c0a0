"""Reading CSV, XLSX and JSON files as rows of cells, each with the line the user sees."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from collectors.files.tabular import Table, UnreadableFile, read_table
from monitor.domain.message import Message

DATA = Path(__file__).resolve().parents[2] / "data"
TICKET_WORDS = {
    "工单编号",
    "类型",
    "故障等级",
    "资源池",
    "报障时间",
    "恢复时间",
    "ticket_id",
    "kind",
}


def looks_like_header(cells: list[str]) -> bool:
    return sum(cell in TICKET_WORDS for cell in cells) >= 2


def read(path: Path) -> Table:
    return read_table(path, looks_like_header)


def lines_and_ids(table: Table, id_header: str = "ticket_id") -> list[tuple[int, object]]:
    return [(line, cells.get(id_header)) for line, cells in table.rows]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- CSV --------------------------------------------------------------------------------------


def test_csv_rows_are_numbered_from_the_header_as_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind\nA,fault\nB,fault\n")
    table = read(path)
    assert table.headers == ["ticket_id", "kind"]
    assert table.header_line == 1
    assert lines_and_ids(table) == [(2, "A"), (3, "B")]


def test_a_quoted_multi_line_cell_does_not_shift_later_line_numbers() -> None:
    rows = list(read(DATA / "tickets_bad_rows.csv").rows)
    assert [(line, cells["ticket_id"]) for line, cells in rows] == [
        (2, "T-1"),
        (3, "T-2"),
        (5, "T-3"),
        (6, "T-4"),
        (7, ""),
        (8, "T-6"),
        (10, "T-7"),
    ]
    assert rows[1][1]["title"] == "first line\nsecond line"


def test_blank_lines_are_skipped_but_still_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind\n\nA,fault\n,\n\nB,fault\n")
    assert lines_and_ids(read(path)) == [(3, "A"), (6, "B")]


def test_crlf_line_endings_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'ticket_id,kind\r\nA,fault\r\nB,"x\r\ny"\r\nC,fault\r\n')
    assert lines_and_ids(read(path)) == [(2, "A"), (3, "B"), (5, "C")]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_the_one_the_header_uses(tmp_path: Path, delimiter: str) -> None:
    header = delimiter.join(["ticket_id", "kind", "reported_at"])
    row = delimiter.join(["A", "fault", "2022-08-10 11:41"])
    table = read(write(tmp_path, "t.csv", f"{header}\n{row}\n"))
    assert list(table.rows) == [
        (2, {"ticket_id": "A", "kind": "fault", "reported_at": "2022-08-10 11:41"})
    ]


def test_a_gb18030_csv_is_decoded() -> None:
    table = read(DATA / "tickets_gb18030.csv")
    assert table.headers == [
        "工单编号",
        "类型",
        "故障等级",
        "资源池",
        "业务系统",
        "报障时间",
        "恢复时间",
    ]
    first_line, first = next(table.rows)
    assert first_line == 2
    assert first["业务系统"] == "不动产登记系统"


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "工单编号,类型\nA,故障\n", encoding="utf-8-sig")
    assert read(path).headers == ["工单编号", "类型"]


def test_headers_are_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", " ticket_id , kind\nA,fault\n")
    assert read(path).headers == ["ticket_id", "kind"]


def test_a_row_with_more_cells_than_the_header_is_marked(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind\nA,fault,extra\nB,fault\n")
    rows = list(read(path).rows)
    assert rows[0][0] == 2
    assert rows[0][1]["__error__"].en == "3 cells but the header has 2 columns"
    assert rows[0][1]["__error__"].zh == "本行有 3 个单元格，而表头有 2 列"
    assert rows[1] == (3, {"ticket_id": "B", "kind": "fault"})


def test_a_row_with_fewer_cells_than_the_header_lacks_those_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind,severity\nA,fault\n")
    assert list(read(path).rows) == [(2, {"ticket_id": "A", "kind": "fault"})]


def test_a_quote_never_closed_is_reported_where_it_opens_not_read_into_one_cell(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "t.csv", 'ticket_id,title\nA,ok\nB,"broken\nC,lost\nD,lost\n')
    assert list(read(path).rows) == [
        (2, {"ticket_id": "A", "title": "ok"}),
        (
            3,
            {
                "__error__": Message(
                    "CSV 语法错误（unexpected end of data），请检查本行的引号",
                    "CSV syntax: unexpected end of data; check the quotes in this row",
                )
            },
        ),
    ]


def test_text_after_a_closing_quote_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'ticket_id,title\nA,"双随机"平台\nB,fine\n')
    rows = list(read(path).rows)
    assert rows[0][0] == 2
    assert rows[0][1]["__error__"].en.startswith("CSV syntax: ',' expected after '\"'")
    assert rows[1] == (3, {"ticket_id": "B", "title": "fine"})


def test_an_empty_csv_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        read(write(tmp_path, "t.csv", ""))


def test_bytes_that_are_neither_utf8_nor_gb18030_are_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xff\xfe\x00\x01ticket_id")
    with pytest.raises(UnreadableFile, match="not text in UTF-8 or GB18030"):
        read(path)


# --- files and types --------------------------------------------------------------------------


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no such file"):
        read(tmp_path / "absent.csv")


def test_an_unsupported_file_type_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"unsupported file type '\.pdf'"):
        read(write(tmp_path, "t.pdf", "ticket_id,kind\n"))


def test_the_extension_is_matched_in_any_case(tmp_path: Path) -> None:
    path = write(tmp_path, "T.CSV", "ticket_id,kind\nA,fault\n")
    assert lines_and_ids(read(path)) == [(2, "A")]


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_finds_the_header_below_title_rows_and_numbers_rows_as_the_sheet_does() -> None:
    table = read(DATA / "tickets_title_row.xlsx")
    assert table.header_line == 3
    assert table.headers == [
        "工单编号",
        "类型",
        "故障等级",
        "资源池",
        "报障时间",
        "到场时间",
        "恢复时间",
        "恢复数据量GB",
    ]
    assert lines_and_ids(table, "工单编号") == [
        (4, 2022001),
        (5, "GZ-2022-0002"),
        (7, "GZ-2022-0003"),
        (8, "GZ-2022-0004"),
    ]


def test_xlsx_date_cells_are_read_as_datetimes_and_text_cells_as_text() -> None:
    rows = dict(read(DATA / "tickets_title_row.xlsx").rows)
    assert rows[4]["报障时间"] == datetime(2022, 8, 10, 11, 41)
    assert rows[4]["恢复时间"] == datetime(2022, 8, 10, 13, 30)
    assert rows[5]["报障时间"] == "2022/8/13 8:05"
    assert rows[8]["恢复数据量GB"] == 2048


def test_xlsx_rows_beyond_a_wrong_recorded_dimension_are_still_read() -> None:
    # The file's <dimension> says A1:C3, but five tickets follow the header.
    ids = [cells["工单编号"] for _, cells in read(DATA / "tickets_wrong_dimension.xlsx").rows]
    assert ids == [f"GZ-2022-030{n}" for n in range(1, 6)]


def test_xlsx_without_a_header_in_the_first_rows_is_unreadable(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for n in range(12):
        workbook.active.append([f"note {n}", "x"])
    workbook.active.append(["工单编号", "类型"])
    workbook.save(tmp_path / "t.xlsx")
    workbook.close()
    with pytest.raises(UnreadableFile, match="no header row found in the first 10 rows"):
        read(tmp_path / "t.xlsx")


def test_a_file_that_is_not_really_xlsx_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="not a readable XLSX workbook"):
        read(write(tmp_path, "t.xlsx", "ticket_id,kind\nA,fault\n"))


# --- JSON -------------------------------------------------------------------------------------


def test_json_rows_are_numbered_by_the_line_their_object_starts_on() -> None:
    table = read(DATA / "tickets.json")
    assert lines_and_ids(table) == [
        (2, "J-1"),
        (11, "J-2"),
        (12, "J-3"),
        (17, 20220004),
        (23, 20220005),
    ]


def test_json_headers_are_every_key_in_the_order_first_seen(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '[{"ticket_id": "A"}, {"kind": "fault", "ticket_id": "B"}]')
    assert read(path).headers == ["ticket_id", "kind"]


def test_json_objects_on_one_line_share_its_number(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.json", '\n\n[{"ticket_id": "A"},\n {"ticket_id": "B"}, {"ticket_id": "C"}]'
    )
    assert lines_and_ids(read(path)) == [(3, "A"), (4, "B"), (4, "C")]


def test_a_json_element_that_is_not_an_object_is_marked(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '[\n  {"ticket_id": "A"},\n  "B",\n  [1, 2]\n]')
    rows = list(read(path).rows)
    assert rows[1] == (
        3,
        {"__error__": Message("应为对象，却是 str", "expected an object, got str")},
    )
    assert rows[2][1]["__error__"].en == "expected an object, got list"


def test_json_that_is_not_a_list_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="expected a JSON list of objects"):
        read(write(tmp_path, "t.json", '{"ticket_id": "A"}'))


def test_invalid_json_is_unreadable_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="line 3: not valid JSON"):
        read(write(tmp_path, "t.json", '[\n  {"ticket_id": "A"},\n  {"ticket_id": }\n]'))
