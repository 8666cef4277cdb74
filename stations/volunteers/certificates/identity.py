"""What identifies a certificate in public: its number, its verification code and URL, and the
masked name the verification page shows."""

import re
import secrets
import unicodedata

from django.conf import settings
from django.urls import reverse

STATION_CODE_PREFIX = "ZD"
# No 0/O, 1/I/L: read aloud or typed from paper without doubt. 31 symbols, 10 of them ≈ 49 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_NUMBER = re.compile(r"ZD[0-9]{4,}-[0-9]{4}-[0-9]{4,}")


def station_code(station_id: int) -> str:
    return f"{STATION_CODE_PREFIX}{station_id:04d}"


def certificate_number(*, station_id: int, year: int, serial: int) -> str:
    """ZD0012-2026-0001: the station, the year of issue, the station's serial in that year."""
    return f"{station_code(station_id)}-{year}-{serial:04d}"


def new_verify_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(raw) -> str | None:
    """A verification code as typed or scanned (lower case, full-width, spaces): the stored
    form, or None when it cannot be one."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().upper().replace(" ", "")
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return text


def normalise_number(raw) -> str | None:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().upper().replace(" ", "")
    return text if len(text) <= 32 and _NUMBER.fullmatch(text) else None


def masked_name(name: str) -> str:
    """The name as the public verification page shows it: 张*明, 欧**明, 张*, *; a Latin name
    keeps each word's initial (John Smith → J* S*), never the length of a word."""
    name = " ".join(str(name or "").split())
    if not name:
        return ""
    if name.isascii() or " " in name:
        return " ".join(word[0] + "*" for word in name.split(" "))
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verification_path(code: str) -> str:
    return reverse("certificate_verify", args=[code])


def verification_url(code: str) -> str:
    """The short public URL printed and encoded in the certificate's QR code."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + verification_path(code)
