import pytest
from django.core.exceptions import ValidationError

from home.base.docnumbers import DocNumber, fold_brackets, parse_doc_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("穗民〔2019〕62号", ("穗民", 2019, 62)),
        ("穗民[2019]62号", ("穗民", 2019, 62)),
        ("穗民【2019】62号", ("穗民", 2019, 62)),
        ("穗民(2019)62号", ("穗民", 2019, 62)),
        ("穗民（2019）62号", ("穗民", 2019, 62)),
        ("  穗民 〔2019〕 62号  ", ("穗民", 2019, 62)),
        ("穗民［２０１９］６２号", ("穗民", 2019, 62)),
        ("穗民案〔2020〕102号", ("穗民案", 2020, 102)),
        ("民政部令第67号", ("民政部令", None, 67)),
        ("国务院令第685号", ("国务院令", None, 685)),
    ],
)
def test_parses_every_bracket_style(text, expected):
    parsed = parse_doc_number(text)
    assert (parsed.issuer_code, parsed.year, parsed.serial) == expected


def test_canonical_form_uses_hexagonal_brackets():
    assert str(parse_doc_number("穗民[2019]62号")) == "穗民〔2019〕62号"
    assert str(parse_doc_number(" 国务院令第685号")) == "国务院令第685号"
    assert str(DocNumber("穗民", 2019, 62)) == "穗民〔2019〕62号"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "62号",
        "〔2019〕62号",  # no issuer code
        "穗民2019 62号",  # no brackets
        "穗民〔19〕62号",  # two-digit year
        "穗民〔2019〕号",  # no serial
        "穗民〔2019〕0号",  # serial zero
        "穗民〔2019]62号",  # brackets that do not pair
        "穗民〔1800〕62号",  # implausible year
        "国务院令685号",  # decree without 第
        "Sui Min [2019] 62",
        "穗民〔2019〕62号; DROP TABLE",
    ],
)
def test_malformed_numbers_are_refused_with_the_expected_form(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_doc_number(text)
    message = " ".join(excinfo.value.messages)
    assert "穗民〔2019〕62号" in message and "国务院令第685号" in message


def test_fold_brackets_for_partial_lookups():
    assert fold_brackets("穗民[2019]") == "穗民〔2019〕"
    assert fold_brackets(" （2019） 62号") == "〔2019〕62号"
