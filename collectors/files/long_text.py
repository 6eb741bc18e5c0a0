"""Text too long to keep or show whole: its first characters, and its full length noted."""

from __future__ import annotations

# What an error line or a stored rejected row keeps of a text too long for it.
KEPT_CHARS = 200


def shortened(text: str, keep: int = KEPT_CHARS) -> str:
    """`text` itself when it has at most `keep` characters, else its first `keep` and its length."""
    if len(text) <= keep:
        return text
    return f"{text[:keep]}…（共 {len(text):,} 字符）"


class LongText(str):
    """A cell too long to be read whole: its first characters and, in `length`, its full length
    (the text itself says so too, as `shortened` writes it)."""

    length: int

    def __new__(cls, start: str, length: int) -> LongText:
        cut = super().__new__(cls, f"{start[:KEPT_CHARS]}…（共 {length:,} 字符）")
        cut.length = length
        return cut
