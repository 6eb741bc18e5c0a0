"""The report as PDF, in a CJK font that really renders (fonts-wqy-zenhei or fonts-noto-cjk):
an English report needs one too, for the data's Chinese (pools, titles, units)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from monitor.domain.message import Message, MessageError
from monitor.report.content import Block, text_cells

# Searched in order; SLAMON_PDF_FONT (a .ttf/.ttc/.otf path) comes first.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


class ReportFontMissing(MessageError):
    """No font with Chinese glyphs: a PDF without one would show empty boxes."""


def find_cjk_font() -> Path:
    configured = os.environ.get("SLAMON_PDF_FONT")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ReportFontMissing(
        Message(
            "没有找到可显示中文的字体，无法生成 PDF：请安装一种（Debian/Ubuntu：apt-get install "
            "fonts-wqy-zenhei），或将 SLAMON_PDF_FONT 设为 .ttf/.ttc 字体文件",
            "no Chinese (CJK) font found for the PDF: install one (Debian/Ubuntu: "
            "apt-get install fonts-wqy-zenhei) or set SLAMON_PDF_FONT to a .ttf/.ttc file",
        )
    )


def render_pdf(blocks: Sequence[Block], path: Path) -> None:
    font = find_cjk_font()
    # fontTools reports every table it drops while subsetting (the font's bitmaps): not news.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", "", str(font))
    pdf.set_title(blocks[0].title)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=blocks[0].title, new_x="LMARGIN", new_y="NEXT")
    for block in blocks:
        pdf.ln(4)
        pdf.set_font("cjk", size=12)
        pdf.cell(text=block.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=8)
        rows = text_cells(block.rows)
        if not rows:
            pdf.cell(text=block.empty_text, new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(
            col_widths=_relative_widths([block.headers, *rows]),
            headings_style=FontFace(fill_color=(221, 235, 247)),
            line_height=5,
            text_align="LEFT",
        ) as table:
            for row in [block.headers, *rows]:
                cells = table.row()
                for text in row:
                    cells.cell(text[:400])
    pdf.output(str(path))


def _relative_widths(rows: Sequence[Sequence[str]]) -> tuple[float, ...]:
    """Wider columns for longer text, within limits, so rules and findings are not squeezed."""
    widths = [0.0] * len(rows[0])
    for row in rows:
        for index, text in enumerate(row):
            size = sum(2 if ord(char) > 0x2E7F else 1 for char in text[:400])
            widths[index] = max(widths[index], size)
    return tuple(min(60.0, max(6.0, width)) for width in widths)
