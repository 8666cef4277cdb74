"""The input policy's helpers (home/base/inputs.py): text, numbers and ids, exports."""

import pytest

from home.base.inputs import (
    ascii_number,
    exportable_text,
    parse_id,
    parse_int,
    text_problem,
    without_refused,
)


@pytest.mark.parametrize(
    "text",
    [
        "李\x00小梅",  # NUL
        "李小梅\x1b[31m",  # an escape sequence
        "李\u202e梅小",  # right-to-left override
        "李\u2066小梅\u2069",  # an isolate
        "李\u200b小梅",  # zero-width space
        "李\u200d小梅",  # zero-width joiner
        "\ufeff李小梅",  # byte-order mark
        "李\u2028小梅",  # line separator
        "李\ue000小梅",  # private use
        "李\ufffe小梅",  # a noncharacter
        "李\ud800小梅",  # a lone surrogate
        "李\ufffd小梅",  # what Django makes of invalid UTF-8
        "第一行\n第二行",  # a line break in one-line text
    ],
)
def test_invisible_and_undecodable_characters_are_refused_with_a_message(text):
    problem = text_problem(text)
    assert problem and ("控制字符" in problem or "无法识别的字符" in problem)


def test_invalid_utf8_gets_its_own_message():
    assert "UTF-8" in text_problem(b"\xff\xfe\xe4\xb8".decode("utf-8", "replace"))


@pytest.mark.parametrize(
    "text", ["李小梅", "Li Xiaomei", "护理、法律：张三（心理咨询）", "😀", "Ünïcödé", ""]
)
def test_ordinary_text_passes(text):
    assert text_problem(text) is None


def test_multiline_text_may_hold_line_breaks_and_tabs_only():
    assert text_problem("护理\r\n驾驶\t外语", multiline=True) is None
    assert text_problem("护理\n\x07", multiline=True)
    assert text_problem("护理\n\u202e", multiline=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("007", 7),
        ("²", None),  # isdigit() says yes, int() raises
        ("٣", None),  # int() would read it as 3
        ("１２", None),  # full-width: ids and parameters are ASCII only
        ("-1", None),
        ("+1", None),
        ("1e3", None),
        ("1_000", None),
        ("12\n", 12),  # surrounding whitespace only
        ("1 2", None),
        ("9" * 19, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_takes_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


def test_parse_int_bounds_and_parse_id():
    assert parse_int("0", low=1) is None
    assert parse_int("101", high=100) is None
    assert parse_int("12345", max_digits=4) is None
    assert parse_id("0") is None and parse_id("42") == 42


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35", "35"),
        ("３５", "35"),  # full-width folds
        ("-5", "-5"),
        ("1.5", "1.5"),
        ("٣٥", None),
        ("1E+999999", None),
        ("Infinity", None),
        ("NaN", None),
        ("1" * 31, None),
    ],
)
def test_ascii_number(raw, expected):
    assert ascii_number(raw) == expected


def test_exports_drop_what_a_spreadsheet_cannot_hold_and_keep_the_rest():
    assert exportable_text("李\x00小\x0b梅\u202e\u200b") == "李小梅"
    assert exportable_text("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert exportable_text("坏\ufffd字") == "坏\ufffd字"  # visible, and says something was lost
    assert exportable_text(35) == 35 and exportable_text(None) is None
    assert without_refused("志\u200b愿\ufffd") == "志愿"
