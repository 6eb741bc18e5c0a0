"""How large an imported file may be (SLAMON_IMPORT_*): a cell, its rows, an XLSX or a zip
unpacked.

Past a limit, a cell rejects its row (kept cut short, its length noted) and a file is refused
whole with one line naming the limit and its setting, so that memory and time stay bounded
whatever a file holds.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from collectors.files.import_report import ImportFileError
from monitor.domain.message import Message


class FileLimits(BaseSettings):
    """The limits of one import, from the environment; the defaults fit real exports."""

    model_config = SettingsConfigDict(env_prefix="SLAMON_IMPORT_", extra="ignore")

    # Excel's own limit for the text of one cell: no export from a spreadsheet holds more.
    max_cell_chars: int = Field(default=32_767, ge=1)
    # Above Excel's 1,048,576 rows a sheet, for CSV exports of many years of tickets.
    max_rows: int = Field(default=2_000_000, ge=1)
    # The parts of an XLSX, or the files of a zipped export, unpacked, as the archive declares
    # them (zipfile reads no further): a sheet of a million rows of twenty columns is ~800 MB.
    max_unpacked_bytes: int = Field(default=1 << 30, ge=1 << 20)


def file_limits() -> FileLimits:
    """The limits set in the environment; a bad setting is the import's one-line refusal."""
    try:
        return FileLimits()
    except ValidationError as error:
        problems = "; ".join(
            f"SLAMON_IMPORT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise ImportFileError(
            Message(f"设置有误：{problems}", f"bad setting: {problems}")
        ) from None


class FileTooLarge(ImportFileError):
    """A file past one of the limits: refused whole in one line; nothing was imported."""

    @classmethod
    def rows(cls, path: Path, limit: int) -> FileTooLarge:
        return cls(
            Message(
                f"{path}：行数超过上限 {limit:,} 行（SLAMON_IMPORT_MAX_ROWS={limit}）；"
                "请拆分文件或调高该设置。未导入任何数据。",
                f"{path}: more than {limit:,} rows (SLAMON_IMPORT_MAX_ROWS={limit}); "
                "split the file or raise the setting. Nothing was imported.",
            )
        )

    @classmethod
    def unpacked(cls, path: Path, size: int, limit: int) -> FileTooLarge:
        return cls(_unpacks(path, "工作簿", "the workbook", size, limit))

    @classmethod
    def archive(cls, path: Path, size: int, limit: int) -> FileTooLarge:
        return cls(_unpacks(path, "压缩包", "the zip", size, limit))

    @classmethod
    def text_run(cls, path: Path, sheet: str, size: int, limit: int) -> FileTooLarge:
        return cls(
            Message(
                f"{path}：单元格过长：工作表 {sheet} 有一处 {size:,} 字节的文本，超过一个单元格"
                f"可容纳的 {limit:,} 个字符（SLAMON_IMPORT_MAX_CELL_CHARS）。未导入任何数据。",
                f"{path}: sheet {sheet} holds {size:,} bytes of text in one place, more "
                f"than a cell of {limit:,} characters can take (SLAMON_IMPORT_MAX_CELL_CHARS). "
                "Nothing was imported.",
            )
        )


def _unpacks(path: Path, what_zh: str, what: str, size: int, limit: int) -> Message:
    return Message(
        f"{path}：{what_zh}解压后过大：{size:,} 字节，超过 {limit:,}"
        "（SLAMON_IMPORT_MAX_UNPACKED_BYTES）；请拆分或调高该设置。未导入任何数据。",
        f"{path}: {what} unpacks to {size:,} bytes, more than {limit:,} "
        "(SLAMON_IMPORT_MAX_UNPACKED_BYTES); split it or raise the setting. "
        "Nothing was imported.",
    )


def long_cell_reason(header: str, length: int, limit: int) -> Message:
    """Why a row with a cell past the limit is rejected."""
    return Message(
        f"{header}：单元格过长，{length:,} 个字符，超过 {limit:,}"
        "（调高 SLAMON_IMPORT_MAX_CELL_CHARS 可接受）",
        f"{header}: {length:,} characters, more than {limit:,}; "
        "raise SLAMON_IMPORT_MAX_CELL_CHARS to accept it",
    )
