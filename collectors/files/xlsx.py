"""Opening an XLSX within the file limits, before openpyxl parses anything whole.

openpyxl holds every shared string in memory at full length and parses a cell's text whole,
so a small file can unpack into gigabytes: the archive's declared sizes are checked first,
each sheet's rows and longest text are counted from its bytes, and the shared strings are
read here, a cell past the limit kept cut short (LongText) while its length is counted.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS

from collectors.files.limits import FileLimits, FileTooLarge
from collectors.files.long_text import LongText

_CHUNK_BYTES = 1 << 20
# The most bytes one character of cell text takes in the sheet's XML (&#x10FFFF; is ten):
# a run of text longer than this many per allowed character cannot be a cell within the limit.
_BYTES_PER_CHAR = 10
# The row tag as Excel and openpyxl write it (a prefixed <x:row is counted as rows are read).
_ROW_TAGS = (b"<row ", b"<row>")


def open_workbook(path: Path, limits: FileLimits) -> Any:
    """The workbook, read-only with cached values; FileTooLarge past a limit."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise FileTooLarge.unpacked(path, unpacked, limits.max_unpacked_bytes)
    reader = _BoundedReader(path, limits)
    reader.read()
    return reader.wb


class _BoundedReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader with the shared strings read within the cell limit and every sheet
    scanned before openpyxl opens it (it reads a sheet to its end to find its size)."""

    def __init__(self, path: Path, limits: FileLimits) -> None:
        super().__init__(path, read_only=True, data_only=True)
        self.limits = limits
        self.path = path

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = shared_strings(source, self.limits.max_cell_chars)

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                with self.archive.open(rel.target) as source:
                    rows, longest = scan_sheet(source)
                if rows > self.limits.max_rows:
                    raise FileTooLarge.rows(self.path, self.limits.max_rows)
                if longest > _BYTES_PER_CHAR * self.limits.max_cell_chars:
                    raise FileTooLarge.text_run(
                        self.path, sheet.name, longest, self.limits.max_cell_chars
                    )
        super().read_worksheets()


def scan_sheet(source: IO[bytes]) -> tuple[int, int]:
    """A sheet's rows and its longest run of bytes without a '<' (text or a tag), read a
    chunk at a time: no text or attribute of the XML is longer than that run."""
    rows = longest = run = 0
    tail = b""  # the previous chunk's last bytes: a row tag may straddle two chunks
    while chunk := source.read(_CHUNK_BYTES):
        joined = tail + chunk
        rows += sum(joined.count(tag) for tag in _ROW_TAGS)
        tail = joined[-(len(_ROW_TAGS[0]) - 1) :]  # too short to hold a whole tag
        pieces = chunk.split(b"<")
        if len(pieces) == 1:
            run += len(chunk)
            continue
        longest = max(longest, run + len(pieces[0]), max(map(len, pieces[1:-1]), default=0))
        run = len(pieces[-1])
    return rows, max(longest, run)


def shared_strings(source: IO[bytes], limit: int) -> list[str]:
    """The shared string table as openpyxl reads it (the text of each item, phonetic runs left
    out), a string past `limit` characters kept as LongText: its start and its length."""
    table = _StringTable(limit)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = table.start
    parser.EndElementHandler = table.end
    parser.CharacterDataHandler = table.text
    try:
        while chunk := source.read(_CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:  # openpyxl reports a ValueError as unreadable XML
        raise ValueError(f"shared strings: {error}") from None
    return table.strings


class _StringTable:
    """expat's callbacks over sharedStrings.xml: <si> items of <t> and <r><t> runs."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.kept = self.length = 0
        self.in_text = False
        self.phonetic = 0  # inside <rPh>: a reading aid, not part of the cell's text

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            self.parts, self.kept, self.length = [], 0, 0
        elif tag == "t":
            self.in_text = not self.phonetic
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "t":
            self.in_text = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si":
            text = "".join(self.parts)
            if self.length > self.limit:
                self.strings.append(LongText(text, self.length))
            else:
                self.strings.append(text.replace("x005F_", ""))  # as openpyxl reads it

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.length += len(data)
        room = self.limit + 1 - self.kept
        if room > 0:
            self.parts.append(data[:room])
            self.kept += min(room, len(data))
