"""The input policy every form and parameter follows (CONVENTIONS, "Inputs and failures").

- Numbers people type are ASCII digits. Mobile numbers and the registration form's numbers are
  NFKC-folded first (stations/validators.py, `ascii_number`), so full-width １３８… is the same
  number as 138… (NFKC also folds the compatibility digits ² and ①); other scripts' digits
  (Arabic-Indic ٣, Devanagari ३) are refused, never read as another number. The registration
  form's number fields take no exponent, NaN or infinity, and each has a range (年龄 6–120).
- Integer parameters go through `parse_int` / `parse_id`: ASCII digits only, a bounded length,
  never a ValueError (`str.isdigit()` takes "²" and `int()` takes "٣"; neither is wanted).
- Free text is refused, not silently changed, when it holds a character nobody can see or that
  changes how the rest reads: control characters (tab, line feed and carriage return are allowed
  in multi-line text only), format characters (bidi overrides and isolates, zero-width spaces and
  joiners, the BOM, soft hyphens), line/paragraph separators, surrogates, private-use characters
  and noncharacters. The resident is told why, and nothing is stored, so what a station reads
  later is exactly what was shown.
- Invalid UTF-8: Django decodes request data with replacement, so a bad byte arrives as U+FFFD.
  Nobody types U+FFFD, so text holding it is refused as "not valid text".
- Every text has a length limit (`DEFAULT_TEXT_MAX_LENGTH`, `DEFAULT_MULTILINE_MAX_LENGTH`
  when a form sets none).
- Stripped instead of refused, where nothing is stored and the result is shown back: the site
  search's query drops these characters (`without_refused`) and searches for the rest.
- On the way out (CSV/XLSX exports) rows stored before this policy are not refused but cleaned:
  `exportable_text` drops what a spreadsheet cannot hold or could be misled by.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_TEXT_MAX_LENGTH = 255  # a single line: a name, an address, a hobby
DEFAULT_MULTILINE_MAX_LENGTH = 2000  # a few paragraphs: skills, a note

REPLACEMENT_CHARACTER = "\ufffd"
_MULTILINE_ALLOWED = frozenset("\t\n\r")
# Cc control, Cf format (bidi, zero-width, BOM, soft hyphen), Cs surrogate, Co private use;
# Zl/Zp (U+2028/U+2029) break lines where nobody expects it.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
MAX_NUMBER_LENGTH = 30


def _is_noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def is_refused_character(ch: str, *, multiline: bool = False) -> bool:
    if multiline and ch in _MULTILINE_ALLOWED:
        return False
    return (
        ch == REPLACEMENT_CHARACTER
        or unicodedata.category(ch) in _REFUSED_CATEGORIES
        or _is_noncharacter(ch)
    )


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why this text cannot be stored (a message for the resident), or None when it can."""
    if not value:
        return None
    if REPLACEMENT_CHARACTER in value:
        return str(_("内容中有无法识别的字符（可能不是 UTF-8 编码），请删除后重新输入。"))
    for ch in value:
        if is_refused_character(ch, multiline=multiline):
            return str(
                _(
                    "内容中有看不见的控制字符（%(code)s），可能是从别处复制带来的，"
                    "请删除后重新输入。"
                )
                % {"code": f"U+{ord(ch):04X}"}
            )
    return None


def validate_text(value) -> None:
    """A validator for single-line text fields."""
    problem = text_problem(str(value or ""))
    if problem:
        raise ValidationError(problem, code="bad_characters")


def validate_multiline_text(value) -> None:
    """A validator for multi-line text fields (tab and line breaks allowed)."""
    problem = text_problem(str(value or ""), multiline=True)
    if problem:
        raise ValidationError(problem, code="bad_characters")


def without_refused(value: str, *, keep_replacement: bool = False) -> str:
    """The text less what text_problem would refuse (tab and line breaks stay)."""
    if not any(is_refused_character(ch, multiline=True) for ch in value):
        return value
    return "".join(
        ch
        for ch in value
        if (keep_replacement and ch == REPLACEMENT_CHARACTER)
        or not is_refused_character(ch, multiline=True)
    )


def exportable_text(value):
    """Stored text made safe for a spreadsheet: what text_problem would refuse is dropped
    (U+FFFD is kept: it is visible and says something was lost); other values pass as they are."""
    if not isinstance(value, str):
        return value
    return without_refused(value, keep_replacement=True)


def parse_int(raw, *, low: int | None = None, high: int | None = None, max_digits: int = 18):
    """The integer `raw` is written as in ASCII digits (surrounding spaces allowed), within
    [low, high] when given; None for anything else ("²", "٣", "-1", "1e3", 30 digits)."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not 0 < len(text) <= max_digits or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


def ascii_number(raw) -> str | None:
    """A decimal number as typed, NFKC-folded (full-width ３５ is 35), when it is written in ASCII
    digits without an exponent; None for "٣٥", "1E+999999", "Infinity", "NaN" and the like."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if len(text) > MAX_NUMBER_LENGTH or not _ASCII_NUMBER.fullmatch(text):
        return None
    return text


def parse_id(raw) -> int | None:
    """A primary key from a URL parameter: a positive integer in ASCII digits, or None."""
    return parse_int(raw, low=1)


def service_address(url: str):
    """`url` split, if it is a service's address and nothing else (http or https, a host, an
    optional port; no path, query, fragment or credentials), else None. For endpoints read from
    the environment (object storage, the SMS provider)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    bare = (
        parts.scheme in ("http", "https")
        and parts.hostname
        and parts.path in ("", "/")
        and not (parts.query or parts.fragment or parts.username)
    )
    return parts if bare else None
