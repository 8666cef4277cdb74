import datetime

import pytest
from django.core.exceptions import ValidationError

from home.partial_dates import parse_partial_date


@pytest.mark.parametrize(
    "text, shown, start",
    [
        ("2021", "2021", datetime.date(2021, 1, 1)),
        ("2021-03", "2021-03", datetime.date(2021, 3, 1)),
        ("2021-03-07", "2021-03-07", datetime.date(2021, 3, 7)),
        ("2021-3-7", "2021-03-07", datetime.date(2021, 3, 7)),
        (" 2021/03 ", "2021-03", datetime.date(2021, 3, 1)),
    ],
)
def test_partial_dates_keep_their_precision(text, shown, start):
    parsed = parse_partial_date(text)
    assert parsed.text == shown
    assert parsed.start == start
    assert parsed.year == start.year


@pytest.mark.parametrize(
    "text", ["", "21", "2021-13", "2021-02-30", "三月", "2021-03-07T10:00", "1800"]
)
def test_bad_dates_are_refused_in_chinese(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_partial_date(text)
    assert "2021-03-07" in " ".join(excinfo.value.messages) or "年份" in " ".join(
        excinfo.value.messages
    )
