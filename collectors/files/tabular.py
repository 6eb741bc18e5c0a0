"""Reading CSV, XLSX and JSON files (or a zip of one) as rows of cells, each with the line it
came from."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

from collectors.files.archive import ArchiveProblem, Unzipped, unzip_table
from collectors.files.limits import FileLimits, FileTooLarge, file_limits, long_cell_reason
from collectors.files.long_text import LongText
from monitor.domain.message import Message, MessageError, joined

# Chinese spreadsheets are often saved as GB18030/GBK rather than UTF-8.
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# How far down a spreadsheet the header row may be (title rows above it are common).
_HEADER_SEARCH_ROWS = 10
_CHUNK_BYTES = 1 << 20


class UnreadableFile(MessageError):
    """The file cannot be read as a table at all; nothing from it is stored."""


NUL = "\x00"
NUL_PROBLEM = Message(
    "含有 NUL 字符（显示为 \ufffd），无法保存",
    "contains a NUL character (shown as \ufffd), which cannot be stored",
)
SURROGATE_PROBLEM = Message(
    "含有孤立代理项（如 \\udc00，显示为 \ufffd），它不是字符，无法保存",
    "contains a lone surrogate such as \\udc00 (shown as \ufffd), which is no character "
    "and cannot be stored",
)
# PostgreSQL cannot store a NUL in text, and one in a file is a sign of damage, not of data;
# a lone surrogate (a JSON "\udc00" decodes to one) cannot be written as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(cells: dict[str, Any]) -> tuple[dict[str, Any], Message | None]:
    """The cells (keys and values, nested ones too) with every NUL and lone surrogate shown
    as U+FFFD, and why the row cannot be stored as it is; the cells themselves when it can."""
    found: set[str] = set()
    clean = _clean(cells, found)
    if not found:
        return cells, None
    problems = [NUL_PROBLEM] * (NUL in found) + [SURROGATE_PROBLEM] * (len(found - {NUL}) > 0)
    return clean, joined(problems)


def not_a_workbook(path: Path, error: Exception) -> Message:
    """Why an .xlsx cannot be read at all (the reader's words kept)."""
    return Message(
        f"{path}：不是可读取的 XLSX 工作簿（{error}）",
        f"{path}: not a readable XLSX workbook ({error})",
    )


def _csv_syntax(error: Exception) -> Message:
    """Why a row the CSV reader could not split is rejected (the reader's words kept)."""
    return Message(
        f"CSV 语法错误（{error}），请检查本行的引号",
        f"CSV syntax: {error}; check the quotes in this row",
    )


def _cell_count(cells: int, width: int) -> Message:
    return Message(
        f"本行有 {cells} 个单元格，而表头有 {width} 列",
        f"{cells} cells but the header has {width} columns",
    )


def _clean(value: Any, found: set[str]) -> Any:
    if isinstance(value, str):
        if _UNSTORABLE.search(value) is None:
            return value
        found.update(_UNSTORABLE.findall(value))
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_clean(key, found): _clean(item, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, found) for item in value]
    return value


def storable_row(cells: dict[str, Any]) -> dict[str, Any]:
    """The cells as `storable` makes them, the row marked bad (`__error__`) if it changed any."""
    clean, problem = storable(cells)
    if problem is not None:
        clean.setdefault("__error__", problem)
    return clean


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and its data rows; `line` is where each row starts (header = line 1)."""

    headers: list[str]
    header_line: int
    rows: Iterator[tuple[int, dict[str, Any]]]
    # The same rows, those that are plain cells given as a list in header order (shorter when
    # the row has fewer cells), not yet made a dict: for readers that take rows by columns.
    # Only CSV files without a NUL have them; for others it is None.
    cell_lists: Iterator[tuple[int, list[str] | dict[str, Any]]] | None = None


Reader = Callable[[Path, Callable[[list[str]], bool], FileLimits], Table]


def read_table(
    path: Path, looks_like_header: Callable[[list[str]], bool], limits: FileLimits | None = None
) -> Table:
    """Open a CSV, XLSX or JSON (list of objects) file by its extension, within `limits`
    (default: the SLAMON_IMPORT_* settings); FileTooLarge past one."""
    suffix = path.suffix.lower()
    reader = _zipped if suffix == ".zip" else _READERS.get(suffix)
    if reader is None:
        raise UnreadableFile(
            Message(
                f"{path}：不支持的文件类型 '{suffix}'，请用 .csv、.xlsx、.json 或其中之一的 .zip",
                f"{path}: unsupported file type '{suffix}'; "
                "use .csv, .xlsx, .json or a .zip of one",
            )
        )
    if not path.is_file():
        raise UnreadableFile(Message(f"{path}：文件不存在", f"{path}: no such file"))
    limits = limits or file_limits()
    table = reader(path, looks_like_header, limits)
    lists = table.cell_lists
    return Table(
        table.headers,
        table.header_line,
        _at_most(table.rows, path, limits.max_rows),
        None if lists is None else _at_most(lists, path, limits.max_rows),
    )


Row = TypeVar("Row")


def _zipped(
    path: Path, looks_like_header: Callable[[list[str]], bool], limits: FileLimits
) -> Table:
    """The table of a zip holding one CSV, XLSX or JSON file, read like that file; its
    problems name it inside the zip (`export.zip:tickets.csv`)."""
    try:
        member = unzip_table(path, _READERS, limits)
    except ArchiveProblem as error:
        raise UnreadableFile(error.message) from None
    try:
        table = _READERS[member.path.suffix](member.path, looks_like_header, limits)
    except (UnreadableFile, FileTooLarge) as error:
        raise _named_in(error, member) from None
    lists = table.cell_lists
    return Table(
        table.headers,
        table.header_line,
        _holding(member, table.rows),
        None if lists is None else _holding(member, lists),
    )


def _holding(member: Unzipped, rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, keeping the unpacked file until they are read (or dropped)."""
    try:
        yield from rows
    except (UnreadableFile, FileTooLarge) as error:
        raise _named_in(error, member) from None


def _named_in(error: UnreadableFile | FileTooLarge, member: Unzipped) -> Exception:
    said = error.message
    named = Message(*(text.replace(str(member.path), member.label) for text in (said.zh, said.en)))
    return type(error)(named)


def _at_most(rows: Iterator[Row], path: Path, limit: int) -> Iterator[Row]:
    """The rows, and FileTooLarge once there are more than `limit` of them."""
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise FileTooLarge.rows(path, limit)
        yield row


def _cut_long_cells(record: dict[str, Any], limit: int) -> dict[str, Any]:
    """The row with each text cell past `limit` characters cut short (LongText) and the row
    marked bad (`__error__`) naming them; the row itself when none is."""
    long = [
        header
        for header, value in record.items()
        if isinstance(value, str) and (type(value) is LongText or len(value) > limit)
    ]
    if not long:
        return record
    reasons: list[Message] = [record["__error__"]] if record.get("__error__") else []
    for header in long:
        value = record[header]
        length = value.length if isinstance(value, LongText) else len(value)
        record[header] = value if isinstance(value, LongText) else LongText(value, length)
        reasons.append(long_cell_reason(header, length, limit))
    record["__error__"] = joined(reasons)
    return record


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        Message(
            f"{path}：不是 UTF-8 或 GB18030 编码的文本", f"{path}: not text in UTF-8 or GB18030"
        )
    )


def _text_encoding(path: Path) -> tuple[str, bool]:
    """The first accepted encoding the whole file decodes in, and whether the file has a NUL
    anywhere; checked a chunk at a time so a large file is never held in memory whole."""
    for encoding in _TEXT_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        has_nul = False
        try:
            with path.open("rb") as file:
                while chunk := file.read(_CHUNK_BYTES):
                    decoder.decode(chunk)
                    # In UTF-8 and GB18030 a zero byte is only ever the NUL character.
                    has_nul = has_nul or b"\x00" in chunk
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, has_nul
    raise UnreadableFile(
        Message(
            f"{path}：不是 UTF-8 或 GB18030 编码的文本", f"{path}: not text in UTF-8 or GB18030"
        )
    )


def _read_csv(
    path: Path, _looks_like_header: Callable[[list[str]], bool], limits: FileLimits
) -> Table:
    """The header is read now (its problems are the file's); the rows are streamed from the
    file when iterated, so memory does not grow with the file."""
    encoding, has_nul = _text_encoding(path)
    # csv's default 128 KiB cell limit stops mid-cell and reads on from inside the quotes,
    # losing every row after it: let a cell be as long as the file.
    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))
    with path.open(encoding=encoding, newline="\n") as file:
        first_line = file.readline()
    # The delimiter the header uses most: exports from Chinese consoles use ',', ';' or tabs.
    delimiter = max(",;\t|", key=first_line.count) if first_line else ","

    def reader_of(file: TextIO) -> Any:
        # strict: without it a quote never closed silently reads the rest of the file into one
        # cell.
        return csv.reader(file, delimiter=delimiter, strict=True)

    with path.open(encoding=encoding, newline="") as file:
        try:
            headers = [cell.strip().replace(NUL, "\ufffd") for cell in next(reader_of(file))]
        except StopIteration:
            raise UnreadableFile(
                Message(f"{path}：文件为空", f"{path}: the file is empty")
            ) from None
        except csv.Error as error:
            raise UnreadableFile(
                Message(f"{path}：第 1 行：{error}", f"{path}: line 1: {error}")
            ) from None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        # Opened only once iteration starts, and closed when it ends or is abandoned.
        with path.open(encoding=encoding, newline="") as file:
            reader = reader_of(file)
            next(reader)  # the header, read above
            yield from _csv_records(reader, headers, has_nul, limits.max_cell_chars)

    def cell_lists() -> Iterator[tuple[int, list[str] | dict[str, Any]]]:
        with path.open(encoding=encoding, newline="") as file:
            reader = reader_of(file)
            next(reader)
            yield from _csv_lists(reader, headers, limits.max_cell_chars)

    return Table(headers, 1, rows(), None if has_nul else cell_lists())


def _csv_records(
    reader: Any, headers: list[str], has_nul: bool, limit: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row as header → cell; looked at for NULs only if the file has one (`has_nul`),
    for cells past `limit` characters only if its cells together are that long."""
    line = reader.line_num + 1
    width = len(headers)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # Say where the broken row started; the reader goes on from the next line, and a
            # quote left open has already taken the rest of the file.
            yield line, {"__error__": _csv_syntax(error)}
            line = reader.line_num + 1
            continue
        text = "".join(cells)
        if text.strip():  # a cell that is not blank (as any(cell.strip() …))
            record = dict(zip(headers, cells, strict=False))
            # A trailing delimiter (an empty extra cell) is common and harmless.
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                record["__error__"] = _cell_count(len(cells), width)
            if len(text) > limit:
                record = _cut_long_cells(record, limit)
            yield line, storable_row(record) if has_nul else record
        line = reader.line_num + 1


def _csv_lists(
    reader: Any, headers: list[str], limit: int
) -> Iterator[tuple[int, list[str] | dict[str, Any]]]:
    """_csv_records of a file without a NUL, a good row given as its list of cells (cut to
    the header's width when the cells past it are blank): dict(zip(headers, cells)) is the
    row _csv_records gives."""
    line = reader.line_num + 1
    width = len(headers)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, {"__error__": _csv_syntax(error)}
            line = reader.line_num + 1
            continue
        text = "".join(cells)
        if text.strip():
            long = len(text) > limit and max(map(len, cells[:width])) > limit
            if len(cells) <= width and not long:
                yield line, cells
            elif long or any(cell.strip() for cell in cells[width:]):
                record: dict[str, Any] = dict(zip(headers, cells, strict=False))
                if any(cell.strip() for cell in cells[width:]):
                    record["__error__"] = _cell_count(len(cells), width)
                yield line, _cut_long_cells(record, limit) if long else record
            else:
                yield line, cells[:width]
        line = reader.line_num + 1


def _read_xlsx(
    path: Path, looks_like_header: Callable[[list[str]], bool], limits: FileLimits
) -> Table:
    from collectors.files import xlsx  # imported here: CSV-only runs need not load openpyxl

    try:
        workbook = xlsx.open_workbook(path, limits)
    except FileTooLarge:
        raise
    except Exception as error:  # openpyxl raises many types for a broken or foreign file
        raise UnreadableFile(not_a_workbook(path, error)) from None
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the size the file records, and some exporters record it wrong
    # (rows past it would be dropped without a word): read every row the sheet really has.
    sheet.reset_dimensions()
    all_rows = sheet.iter_rows(values_only=True)
    header_line = 0
    headers: list[str] = []
    for header_line, cells in enumerate(all_rows, start=1):
        candidate = ["" if cell is None else str(cell).strip() for cell in cells]
        if looks_like_header(candidate):
            headers = candidate
            break
        if header_line >= _HEADER_SEARCH_ROWS:
            break
    if not headers:
        workbook.close()
        raise UnreadableFile(
            f"{path}: no header row found in the first {_HEADER_SEARCH_ROWS} rows of sheet "
            f"'{sheet.title}'"
        )
    while headers and not headers[-1]:
        headers.pop()
    limit = limits.max_cell_chars

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, cells in enumerate(all_rows, start=header_line + 1):
            if any(cell is not None and str(cell).strip() for cell in cells):
                record = {
                    header: cell for header, cell in zip(headers, cells, strict=False) if header
                }
                yield line, _cut_long_cells(record, limit)
        workbook.close()

    return Table(headers, header_line, rows())


def _read_json(
    path: Path, _looks_like_header: Callable[[list[str]], bool], limits: FileLimits
) -> Table:
    """A JSON list of objects, read and decoded whole (unlike CSV and XLSX, which stream):
    memory grows with the file, so very large exports are better given as CSV."""
    text = _decode(path)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            Message(
                f"{path}：第 {error.lineno} 行：不是有效的 JSON（{error.msg}）",
                f"{path}: line {error.lineno}: not valid JSON ({error.msg})",
            )
        ) from None
    except RecursionError:  # Python's decoder gives up on arrays/objects nested this deep
        raise UnreadableFile(
            Message(
                f"{path}：JSON 嵌套过深，不是一个行的列表",
                f"{path}: JSON nested too deeply to be a list of rows",
            )
        ) from None
    if not isinstance(items, list):
        raise UnreadableFile(
            Message(
                f"{path}：顶层应为由对象组成的 JSON 列表",
                f"{path}: expected a JSON list of objects at the top level",
            )
        )
    lines = _object_start_lines(text, len(items))
    headers: list[str] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            for key in item:
                if key not in seen:
                    seen.add(key)
                    headers.append(_clean(str(key), set()))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, item in zip(lines, items, strict=True):
            if isinstance(item, dict):
                yield line, _cut_long_cells(storable_row(item), limits.max_cell_chars)
            else:
                yield (
                    line,
                    {
                        "__error__": Message(
                            f"应为对象，却是 {type(item).__name__}",
                            f"expected an object, got {type(item).__name__}",
                        )
                    },
                )

    return Table(headers, 1, rows())


def _object_start_lines(text: str, count: int) -> list[int]:
    """The line on which each top-level array element starts, by walking the array."""
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    line = text.count("\n", 0, position) + 1
    lines: list[int] = []
    for _ in range(count):
        while text[position] in " \t\r\n,":
            if text[position] == "\n":
                line += 1
            position += 1
        lines.append(line)
        _, end = decoder.raw_decode(text, position)
        line += text.count("\n", position, end)
        position = end
    return lines


# By extension; a .zip holds one file of these.
_READERS: dict[str, Reader] = {
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".json": _read_json,
}
