"""The mobile and phone checks (stations/validators.py): ASCII digits after NFKC folding."""

import pytest
from django.core.exceptions import ValidationError

from stations.validators import (
    MobileField,
    normalise_mobile,
    validate_mainland_mobile,
    validate_phone,
)


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "１３８１２３４５６７８",  # full-width digits
        "13８12345678",  # some of them full-width
        "＋８６ １３８－１２３４－５６７８",  # full-width plus and hyphens
        "+86 138 1234 5678",
        "138\u30001234\u30005678",  # ideographic spaces
    ],
)
def test_full_width_digits_fold_to_the_same_number(typed):
    assert normalise_mobile(typed) == "13812345678"
    validate_mainland_mobile(typed)
    assert MobileField().clean(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "13٨12345678",  # one Arabic-Indic digit
        "۱۳۸۱۲۳۴۵۶۷۸",  # Extended Arabic-Indic (Persian)
        "१३८१२३४५६७८",  # Devanagari
        "1381234567٨",
    ],
)
def test_other_scripts_digits_are_refused(typed):
    with pytest.raises(ValidationError):
        validate_mainland_mobile(typed)
    with pytest.raises(ValidationError):
        MobileField().clean(typed)


def test_phone_numbers_follow_the_same_rule():
    validate_phone("０２０－１２３４５６７８")
    validate_phone("020-12345678转801")
    with pytest.raises(ValidationError):
        validate_phone("٠٢٠-١٢٣٤٥٦٧٨")
