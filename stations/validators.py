"""Checks on what residents and managers type: phone numbers and coordinates; the mobile field
every form uses, and the tel: link of a phone number."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from home.base.inputs import without_refused
from stations.coords import CHINA_LAT, CHINA_LNG

_SEPARATORS = re.compile(r"[\s\-－—()（）]")
# ASCII digits only (\d would take Arabic-Indic and other scripts' digits): home/base/inputs.py.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}")
# 400/800, a local 8 digits, 12345
_SERVICE = re.compile(r"(?:[48]00[0-9]{7}|[0-9]{8}|1[0-9]{4})")


def fold_digits(value: str) -> str:
    """NFKC: full-width １３８ and ＋ become 138 and +; other scripts' digits stay what they are,
    so the ASCII patterns refuse them."""
    return unicodedata.normalize("NFKC", value or "")


def normalise_mobile(value: str) -> str:
    """13812345678 from '+86 138-1234-5678', full-width '１３８１２３４５６７８' and other ways
    people write it."""
    digits = _SEPARATORS.sub("", fold_digits(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits


def _echo(value) -> str:
    """What was typed, for a message: without invisible characters (a bidi override would turn
    the message around), and short."""
    shown = without_refused(str(value or ""))
    return shown if len(shown) <= 40 else shown[:40] + "…"


def validate_mainland_mobile(value: str) -> None:
    if not _MOBILE.fullmatch(normalise_mobile(value)):
        raise ValidationError(
            _("“%(value)s”不是有效的手机号码，请填写 11 位中国大陆手机号，如 13812345678。"),
            params={"value": _echo(value)},
            code="mobile",
        )


def validate_phone(value: str) -> None:
    """A station's contact number: mobile, landline with area code, 400/800 or a hotline."""
    digits = _SEPARATORS.sub("", fold_digits(value))
    extension = digits.split("转")[0]
    if not any(p.fullmatch(extension) for p in (_MOBILE, _LANDLINE, _SERVICE)):
        raise ValidationError(
            _("“%(value)s”不是有效的电话号码，请写作 020-12345678、13812345678 或 400-123-4567。"),
            params={"value": _echo(value)},
            code="phone",
        )


def validate_latitude(value: float) -> None:
    if not CHINA_LAT[0] <= value <= CHINA_LAT[1]:
        raise ValidationError(
            _(
                "纬度 %(value)s 不在中国境内（应在 %(low)s 到 %(high)s 之间），"
                "请检查是否与经度写反。"
            ),
            params={"value": value, "low": CHINA_LAT[0], "high": CHINA_LAT[1]},
            code="latitude",
        )


def validate_longitude(value: float) -> None:
    if not CHINA_LNG[0] <= value <= CHINA_LNG[1]:
        raise ValidationError(
            _(
                "经度 %(value)s 不在中国境内（应在 %(low)s 到 %(high)s 之间），"
                "请检查是否与纬度写反。"
            ),
            params={"value": value, "low": CHINA_LNG[0], "high": CHINA_LNG[1]},
            code="longitude",
        )


class MobileField(forms.CharField):
    """A mainland mobile number, however it is written, cleaned to its 11 digits."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
    default_validators = [validate_mainland_mobile]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_mobile(value) if value else value


def tel_uri(phone: str) -> str:
    """tel:02012345678 from '020-1234 5678转801': the digits a phone can dial."""
    number = (phone or "").split("转")[0]
    return "tel:" + re.sub(r"[^0-9+]", "", number)
