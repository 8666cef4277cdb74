"""The 志愿者编号: a volunteer's public number.

"V" and ten digits, e.g. V3859201749: nine drawn at random (``secrets``), nothing taken from the
mobile number, the name or the date, so the number says nothing about its holder (the reason
MZ/T 061-2015 moved public volunteer IDs off ID-card numbers); the tenth a Damm check digit, which
catches every single mistyped digit and every swap of two neighbouring digits, so a number read
out over the phone or copied onto a certificate is refused rather than taken for someone else's.
Numbers are unique in the database and never reused: a volunteer's row is never deleted.
"""

import re
import secrets
import unicodedata

PREFIX = "V"
RANDOM_DIGITS = 9
LENGTH = len(PREFIX) + RANDOM_DIGITS + 1

# Damm's quasigroup of order 10 (totally anti-symmetric): with it one check digit detects all
# single-digit errors and all adjacent transpositions, and is always a digit (no "X").
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_NUMBER = re.compile(rf"{PREFIX}[0-9]{{{RANDOM_DIGITS + 1}}}")
_SEPARATORS = re.compile(r"[\s\-－—]")


def check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return str(interim)


def new_number() -> str:
    """A fresh random number; the caller retries on the (rare) collision with one in use."""
    digits = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return PREFIX + digits + check_digit(digits)


def is_valid_number(number: str) -> bool:
    return bool(_NUMBER.fullmatch(number)) and check_digit(number[1:]) == "0"


def parse_number(raw) -> str | None:
    """The number as stored from what someone typed ("v 385-920-1746", full-width digits), or
    None when it is not a valid number (wrong length, other scripts' digits, a typo the check
    digit catches)."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
    return text if is_valid_number(text) else None
