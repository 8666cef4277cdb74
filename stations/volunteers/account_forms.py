"""The forms of signing in and of the volunteer's page, on the site's input policy
(home/base/inputs.py): mobile numbers and codes NFKC-folded to ASCII digits (full-width ones
count, other scripts' digits do not), no invisible characters, a length limit on every text."""

import re
import unicodedata

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from home.base.inputs import text_problem
from stations.validators import MobileField
from stations.volunteers import accounts, codes

# Step 2 carries the number it is for in a signed field rather than a session: nobody has a
# session before signing in, and a bot asking for codes leaves no rows behind.
TOKEN_SALT = "stations.volunteers.login"
TOKEN_MAX_AGE = 30 * 60
CODE_MAX_LENGTH = 20  # room for spaces and dashes people copy along
_CODE_SEPARATORS = re.compile(r"[\s\-－—]")
_CODE = re.compile(rf"[0-9]{{{codes.CODE_DIGITS}}}")


def login_token(mobile: str) -> str:
    return signing.dumps(mobile, salt=TOKEN_SALT, compress=False)


def mobile_from_token(token: str) -> str | None:
    try:
        mobile = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # tampered with, or older than TOKEN_MAX_AGE
        return None
    return mobile if isinstance(mobile, str) and re.fullmatch(r"1[3-9][0-9]{9}", mobile) else None


class MobileForm(forms.Form):
    mobile = MobileField(
        label=_("手机号码"),
        help_text=_("11 位中国大陆手机号。我们会发送一条含 6 位验证码的短信。"),
        error_messages={
            "required": _("请填写手机号码。"),
            "max_length": _("手机号码太长了，请填写 11 位手机号。"),
        },
    )


class TokenForm(forms.Form):
    """The signed number of step 2 (for "重新发送")."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=300, required=False)

    def clean_token(self):
        mobile = mobile_from_token(self.cleaned_data.get("token") or "")
        if mobile is None:
            raise forms.ValidationError(
                _("这一页已经过期，请重新填写手机号码获取验证码。"), code="token"
            )
        return mobile


class CodeForm(TokenForm):
    code = forms.CharField(
        label=_("验证码"),
        max_length=CODE_MAX_LENGTH,
        error_messages={
            "required": _("请填写短信中的验证码。"),
            "max_length": _("验证码是 6 位数字，您填写的内容太长了。"),
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("短信中的 6 位数字，%(minutes)d 分钟内有效。") % {
            "minutes": codes.CODE_MINUTES
        }

    def clean_code(self):
        raw = self.cleaned_data["code"]
        problem = text_problem(raw)
        if problem:
            raise forms.ValidationError(problem, code="bad_characters")
        code = _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
        if _CODE.fullmatch(code):
            return code
        if any(ch.isalpha() for ch in code):
            message = _("验证码只有数字，没有字母，请对照短信重新填写。")
        elif code.isdigit():  # digits of another script, or the wrong number of them
            message = _("验证码是 6 位数字（0–9），请对照短信重新填写。")
        else:
            message = _("验证码只能是 6 位数字，请对照短信重新填写。")
        raise forms.ValidationError(message, code="code")


class NameForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"),
        max_length=accounts.NAME_MAX_LENGTH,
        help_text=_("您的真实姓名，用于报名和服务记录。"),
        error_messages={
            "required": _("请填写姓名。"),
            "max_length": _("姓名最多 %(limit_value)d 个字，现在是 %(show_value)d 个。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self):
        try:
            return accounts.clean_name(self.cleaned_data["name"])
        except accounts.NameRefused as refusal:
            raise forms.ValidationError(refusal.message, code="name") from None
