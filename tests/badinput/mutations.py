"""Hostile variants of a real fixture, and which of its rows each variant leaves untouched.

A fixture is read into rows that remember where they came from (`origin`, the 0-based index of
the data row in the original); a mutation that changes a row forgets its origin. What is
written back is the mutated file plus the origins of the rows that reached it unchanged — the
rows an import must still store.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Values chosen because importers have tripped over their like: formulas, SQL, NUL, numbers
# where text is expected, impossible dates, invisible characters, quotes and line breaks.
NASTY = [
    "",
    " ",
    "=1+1",
    "=cmd|' /c calc'!A1",
    "+86-10-1234",
    "-1",
    "@SUM(A1:A3)",
    "NULL",
    "None",
    "nan",
    "inf",
    "1e309",
    "-0",
    "0x1F",
    "'; DROP TABLE ticket; --",
    "' OR '1'='1",
    "\x00",
    "GZ\x00-1",
    "\ufeff",
    "\u202e反转",
    "😀",
    "\r",
    "\n",
    '"',
    '"unclosed',
    "\\",
    "%s%n",
    "{}",
    "[]",
    "9999-99-99 99:99",
    "0000-00-00 00:00",
    "1899-12-30 00:00",
    "2022-02-30 10:00",
    "2022-08-10 11:41+25:00",
    "2022-08-10T11:41:00.1234567",
    "２０２２－０８－１０ １１：４１",
    "重大\t",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.builds(
        lambda char, size: char * size,
        st.sampled_from(["x", "中", '"', ",", "\n"]),
        st.sampled_from([256, 5_000, 200_000]),  # the last is past csv's field size limit
    ),
)


class Mutant:
    """A generated file: its bytes, its suffix, and the original rows it still holds intact."""

    # A plain class, not a dataclass: hypothesis prints dataclasses field by field, and the
    # bytes of a file with a 200,000-character cell are no use in a report.
    def __init__(self, data: bytes, suffix: str, intact: set[int], steps: list[str]) -> None:
        self.data, self.suffix, self.intact, self.steps = data, suffix, intact, steps

    def __repr__(self) -> str:
        # Short: a failing example is shown by its steps, with the start of the file.
        return f"Mutant({self.suffix}, {len(self.data)} bytes, {self.steps}, {self.data[:300]!r})"

    def write(self, folder: Path, name: str = "mutant") -> Path:
        path = folder / f"{name}{self.suffix}"
        path.write_bytes(self.data)
        return path


Row = tuple[int | None, list[Any]]  # (origin or None, cells)


# ---- CSV -----------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[str, list[str], list[Row]]:
    raw = path.read_bytes()
    try:
        encoding, text = "utf-8", raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding, text = "gb18030", raw.decode("gb18030")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return encoding, header, [(index, cells) for index, cells in enumerate(rows)]


def _csv_line(cells: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _touch(rows: list[Row], index: int, cells: list[Any]) -> None:
    rows[index] = (None, cells)


@st.composite
def csv_mutant(draw: st.DrawFn, path: Path) -> Mutant:
    encoding, header, rows = read_csv(path)
    header, rows = list(header), list(rows)
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop_row",
                    "duplicate_row",
                    "extra_cells",
                    "short_row",
                    "garbage_row",
                    "permute_columns",
                    "drop_column",
                    "duplicate_column",
                    "swap_headers",
                    "header_cell",
                ]
            )
        )
        steps.append(op)
        if rows and op in ("cell", "drop_row", "duplicate_row", "extra_cells", "short_row"):
            index = draw(st.integers(0, len(rows) - 1))
            cells = list(rows[index][1])
            if op == "cell" and cells:
                cells[draw(st.integers(0, len(cells) - 1))] = draw(nasty_text)
                _touch(rows, index, cells)
            elif op == "drop_row":
                del rows[index]
            elif op == "duplicate_row":
                rows.insert(draw(st.integers(0, len(rows))), (None, cells))
            elif op == "extra_cells":
                _touch(rows, index, [*cells, *draw(st.lists(nasty_text, min_size=1, max_size=3))])
            elif op == "short_row":
                _touch(rows, index, cells[: draw(st.integers(0, max(0, len(cells) - 1)))])
        elif op == "garbage_row":
            garbage = draw(st.lists(nasty_text, max_size=len(header) + 1))
            rows.insert(draw(st.integers(0, len(rows))), (None, garbage))
        elif op == "permute_columns":
            # The same table with its columns in another order: nothing is touched.
            order = draw(st.permutations(range(len(header))))
            header = [header[i] for i in order]
            rows = [(o, [c[i] if i < len(c) else "" for i in order] if c else c) for o, c in rows]
        elif op in ("drop_column", "duplicate_column", "swap_headers"):
            i, j = (draw(st.integers(0, len(header) - 1)) for _ in range(2))
            if op == "drop_column":
                header = header[:i] + header[i + 1 :]
                rows = [(None, c[:i] + c[i + 1 :]) for _, c in rows]
            elif op == "duplicate_column":
                header = [*header, header[i]]
                rows = [(None, [*c, c[i] if i < len(c) else ""]) for _, c in rows]
            elif i != j:
                header[i], header[j] = header[j], header[i]
                rows = [(None, c) for _, c in rows]
        elif op == "header_cell":
            header[draw(st.integers(0, len(header) - 1))] = draw(nasty_text)
            rows = [(None, c) for _, c in rows]
    return _csv_bytes(draw, encoding, header, rows, steps)


def _csv_bytes(
    draw: st.DrawFn, encoding: str, header: list[str], rows: list[Row], steps: list[str]
) -> Mutant:
    ends: list[tuple[int | None, int]] = []  # (origin, byte offset where the row ends)
    text = _csv_line(header)
    for origin, cells in rows:
        text += _csv_line(cells)
        ends.append((origin, len(text.encode(encoding, errors="replace"))))
    variant = draw(
        st.sampled_from(
            ["plain", "plain", "bom", "crlf", "cr", "gb18030", "utf16", "truncate", "bytes"]
        )
    )
    steps.append(variant)
    intact = {origin for origin, _ in ends if origin is not None}
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "cr":
        text = text.replace("\n", "\r")
    codec = {"gb18030": "gb18030", "utf16": "utf-16"}.get(variant, encoding)
    data = text.encode(codec, errors="replace")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant in ("truncate", "bytes"):
        cut = draw(st.integers(0, len(data)))
        if variant == "truncate":
            data = data[:cut]
        else:
            data = data[:cut] + draw(st.binary(min_size=1, max_size=40)) + data[cut:]
        # Rows that ended before the damage are intact; the rest may be anything now.
        intact = {origin for origin, end in ends if origin is not None and end <= cut}
    return Mutant(data, ".csv", intact, steps)


# ---- XLSX ----------------------------------------------------------------------------------


def read_xlsx(path: Path, header_row: int) -> tuple[list[list[Any]], list[Row]]:
    """The rows above the data (title rows and the header) and the data rows."""
    workbook = load_workbook(path)
    values = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    top, data = values[:header_row], values[header_row:]
    return top, [(index, cells) for index, cells in enumerate(data)]


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767]  # what a cell can hold
    return value


xlsx_value = st.one_of(
    nasty_text,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.none(),
)


@st.composite
def xlsx_mutant(draw: st.DrawFn, path: Path, header_row: int) -> Mutant:
    top, rows = read_xlsx(path, header_row)
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["cell", "cell", "drop_row", "duplicate_row", "header_cell"]))
        steps.append(op)
        index = draw(st.integers(0, len(rows) - 1))
        cells = list(rows[index][1])
        if op == "cell":
            cells[draw(st.integers(0, len(cells) - 1))] = draw(xlsx_value)
            _touch(rows, index, cells)
        elif op == "drop_row":
            del rows[index]
        elif op == "duplicate_row":
            rows.insert(draw(st.integers(0, len(rows))), (None, cells))
        else:
            top[-1][draw(st.integers(0, len(top[-1]) - 1))] = draw(xlsx_value)
            rows = [(None, c) for _, c in rows]
    workbook = Workbook()
    sheet = workbook.active
    for cells in [*top, *(c for _, c in rows)]:
        sheet.append([_xlsx_value(value) for value in cells])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    intact = {origin for origin, _ in rows if origin is not None}
    damage = draw(st.sampled_from(["none", "none", "none", "truncate", "bytes"]))
    steps.append(damage)
    if damage != "none":
        cut = draw(st.integers(0, len(data)))
        noise = draw(st.binary(min_size=1, max_size=40)) if damage == "bytes" else b""
        data = data[:cut] + noise + (data[cut:] if damage == "bytes" else b"")
        intact = set()  # a damaged zip may still open; no row is promised
    return Mutant(data, ".xlsx", intact, steps)


# ---- JSON ----------------------------------------------------------------------------------

json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        nasty_text,
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
DEEP = 100_000  # far past Python's recursion limit


@st.composite
def json_mutant(draw: st.DrawFn, path: Path) -> Mutant:
    items: list[Any] = json.loads(path.read_text(encoding="utf-8"))
    rows: list[tuple[int | None, str]] = [
        (index, json.dumps(item, ensure_ascii=False)) for index, item in enumerate(items)
    ]
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(
            st.sampled_from(["value", "value", "key", "not_object", "drop", "duplicate", "deep"])
        )
        steps.append(op)
        index = draw(st.integers(0, len(rows) - 1))
        body = rows[index][1]
        item = json.loads(body) if body.startswith("{") and len(body) < DEEP else {}
        if op == "value" and item:
            item[draw(st.sampled_from(sorted(item)))] = draw(json_value)
            rows[index] = (None, json.dumps(item, ensure_ascii=False))
        elif op == "key":
            item[draw(nasty_text)] = draw(json_value)
            rows[index] = (None, json.dumps(item, ensure_ascii=False))
        elif op == "not_object":
            rows[index] = (None, json.dumps(draw(json_value), ensure_ascii=False))
        elif op == "drop":
            del rows[index]
        elif op == "duplicate":
            rows.insert(draw(st.integers(0, len(rows))), (None, rows[index][1]))
        elif op == "deep":
            rows[index] = (None, '{"ticket_id": ' + "[" * DEEP + "]" * DEEP + "}")
    text = "[\n" + ",\n".join(body for _, body in rows) + "\n]\n"
    intact = {origin for origin, _ in rows if origin is not None}
    variant = draw(st.sampled_from(["plain", "plain", "bom", "crlf", "truncate", "top_deep"]))
    steps.append(variant)
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
        intact = set()
    elif variant == "top_deep":
        text = "[" * DEEP + "]" * DEEP
        intact = set()
    data = text.encode("utf-8")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    return Mutant(data, ".json", intact, steps)
