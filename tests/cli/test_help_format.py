"""Chinese help text filled by display width: two columns a character, lines broken between
characters but never inside a name, no line opening with a comma, no space where a
docstring's line broke a sentence."""

from __future__ import annotations

from monitor.cli.help_format import display_width, fill, fill_paragraphs

SENTENCE = "结果会保存（每张工单每个指标一条，状态变化留作历史），除非给出 --no-store。"


def test_a_chinese_character_takes_two_columns() -> None:
    assert display_width("合同 YAML") == 9
    assert display_width("（默认）") == 8


def test_a_chinese_sentence_is_filled_to_the_width_in_columns() -> None:
    lines = fill(SENTENCE, 30, "  ")
    assert "".join(lines).replace(" ", "") == SENTENCE.replace(" ", "")
    assert all(display_width(line) <= 30 for line in lines), lines
    assert len(lines) == 3, lines


def test_a_name_is_never_cut_and_no_line_opens_with_punctuation() -> None:
    text = "列：`resource_id`、`class`、`pool`、`user_unit`、`system`、`protection_level`。"
    lines = fill(text, 24)
    assert len(lines) > 2, lines
    for name in ("`resource_id`", "`user_unit`", "`protection_level`"):
        assert any(name in line for line in lines), (name, lines)
    assert all(not line.startswith(("、", "，", "。", "）")) for line in lines), lines
    assert all(line.count("`") % 2 == 0 for line in lines), lines


def test_a_title_in_book_marks_and_a_backticked_name_stay_on_one_line() -> None:
    lines = fill("NOTICE is the notice 《国务院办公厅关于20XX年部分节假日安排的通知》 as text.", 30)
    assert "《国务院办公厅关于20XX年部分节假日安排的通知》" in lines, lines
    lines = fill("证据来自 `slamon import evidence PATH`；等保测评按资源清单计。", 24)
    assert "`slamon import evidence PATH`；" in "\n".join(lines), lines


def test_a_docstrings_line_break_inside_chinese_is_no_space() -> None:
    assert fill_paragraphs("截止时间需要\n工作日历", 80) == "截止时间需要工作日历"
    assert fill_paragraphs("合同为 SLAMON_CONTRACT\n或 --contract", 80) == (
        "合同为 SLAMON_CONTRACT 或 --contract"
    )
    assert fill_paragraphs("第一段。\n\n第二段。", 80, "  ") == "  第一段。\n\n  第二段。"
