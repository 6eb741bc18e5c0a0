"""A zipped export (one CSV, XLSX or JSON inside) unpacked within the file limits.

Service desks and 政务云 consoles often hand exports out zipped. The archive's declared sizes
are checked before anything is unpacked (zipfile reads a member no further than its declared
size), the one table file is copied out in chunks to a temporary folder of its own, and that
folder is removed once nothing reads the file any more.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Collection
from pathlib import Path, PurePosixPath

from collectors.files.limits import FileLimits, FileTooLarge
from monitor.domain.message import Message, MessageError

_CHUNK_BYTES = 1 << 20
# The zip flag saying a member's name is UTF-8; without it Windows tools in Chinese write GBK.
_UTF8_NAME = 0x800


class ArchiveProblem(MessageError):
    """The archive cannot be used: not a zip, encrypted, or not exactly one table inside."""


class Unzipped:
    """The table file of an archive, unpacked; its folder is removed when this is dropped."""

    def __init__(self, archive: Path, name: str, folder: Path, path: Path) -> None:
        self.archive = archive
        self.name = name  # its name inside the archive, for messages
        self.path = path
        self._removal = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)

    @property
    def label(self) -> str:
        """How messages name the file: `export.zip:tickets.csv`."""
        return f"{self.archive}:{self.name}"


def unzip_table(path: Path, suffixes: Collection[str], limits: FileLimits) -> Unzipped:
    """The one member of `path` whose name ends in one of `suffixes`, unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if _is_content(info)]
            unpacked = sum(info.file_size for info in members)
            if unpacked > limits.max_unpacked_bytes:
                raise FileTooLarge.archive(path, unpacked, limits.max_unpacked_bytes)
            tables = [info for info in members if _suffix(info) in suffixes]
            if len(tables) != 1:
                names = "、".join(_name(info) for info in members) or "—"
                raise ArchiveProblem(
                    Message(
                        f"{path}：压缩包内应恰有一个 CSV、XLSX 或 JSON 文件，实有 {names}",
                        f"{path}: a zip must hold exactly one CSV, XLSX or JSON file; "
                        f"it holds {names.replace('、', ', ')}",
                    )
                )
            return _unpack(path, archive, tables[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile lacks.
        raise ArchiveProblem(
            Message(f"{path}：无法解压（{error}）", f"{path}: not a readable zip archive ({error})")
        ) from None


def _unpack(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Unzipped:
    folder = Path(tempfile.mkdtemp(prefix="slamon-unzipped-"))
    # The member's own name never becomes a path: it may hold ../ or a drive letter.
    target = folder / f"table{_suffix(member)}"
    unzipped = Unzipped(path, _name(member), folder, target)
    with archive.open(member) as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, _CHUNK_BYTES)
    return unzipped


def _is_content(info: zipfile.ZipInfo) -> bool:
    """Files only: not folders, nor the __MACOSX/ and ._ companions macOS adds to a zip."""
    name = PurePosixPath(info.filename)
    return not info.is_dir() and "__MACOSX" not in name.parts and not name.name.startswith(".")


def _suffix(info: zipfile.ZipInfo) -> str:
    return PurePosixPath(info.filename).suffix.lower()


def _name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker wrote it: zipfile reads a name not flagged UTF-8 as
    CP437, which turns the GBK of Chinese Windows tools into mojibake."""
    if info.flag_bits & _UTF8_NAME:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename
