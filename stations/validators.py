"""Checks on what residents and managers type: phone numbers and coordinates; the mobile field
every form uses, and the tel: link of a phone number."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stations.coords import CHINA_LAT, CHINA_LNG

_SEPARATORS = re.compile(r"[\s\-－—()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SERVICE = re.compile(r"^(?:[48]00\d{7}|\d{8}|1\d{4})$")  # 400/800, a local 8 digits, 12345


def normalise_mobile(value: str) -> str:
    """13812345678 from '+86 138-1234-5678' and other ways people write it."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits


def validate_mainland_mobile(value: str) -> None:
    if not _MOBILE.match(normalise_mobile(value)):
        raise ValidationError(
            _("“%(value)s”不是有效的手机号码，请填写 11 位中国大陆手机号，如 13812345678。"),
            params={"value": value},
            code="mobile",
        )


def validate_phone(value: str) -> None:
    """A station's contact number: mobile, landline with area code, 400/800 or a hotline."""
    digits = _SEPARATORS.sub("", value or "")
    extension = digits.split("转")[0]
    if not any(p.match(extension) for p in (_MOBILE, _LANDLINE, _SERVICE)):
        raise ValidationError(
            _("“%(value)s”不是有效的电话号码，请写作 020-12345678、13812345678 或 400-123-4567。"),
            params={"value": value},
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
