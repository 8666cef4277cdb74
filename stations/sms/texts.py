"""The SMS templates: each one's parameters, how each parameter is checked, and its Chinese text.

Chinese SMS providers send only templates approved in advance, filled with short parameters,
never free text; so the portal sends a template's name and its parameters, and the local senders
(console, memory) render the text below, which is also what the provider's template should say
(README, "SMS"). The texts are the gettext message ids, here and nowhere else.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from django.utils.translation import gettext_lazy as _

from home.base.inputs import text_problem

# The longest text parameter sent, in UTF-16 code units (how providers' Java back ends count; a
# character outside the BMP such as 𠮷 counts two). 阿里云 allows 35 per variable in notification
# templates approved since 2018, older templates and other providers 20: 20 fits them all.
TEXT_PARAM_MAX = 20
ELLIPSIS = "…"
# 【】 wrap the provider's signature at the start of every SMS; a parameter holding them could pass
# for another sender's signature (an activity titled 【公安局】…), so they become 「」.
_SIGNATURE_BRACKETS = str.maketrans({"【": "「", "】": "」"})
# A verification code: 阿里云 验证码 templates take one variable of 4–6 digits or letters.
_CODE = re.compile(r"[0-9A-Za-z]{4,6}")
_NUMBER = re.compile(r"[0-9]{1,6}")
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)


class ParamKind(Enum):
    CODE = "code"  # refused unless 4–6 ASCII letters or digits; never shortened
    NUMBER = "number"  # refused unless 1–6 ASCII digits (an int is taken too)
    TEXT = "text"  # one line of text, checked by the input policy, shortened to TEXT_PARAM_MAX


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    text: str  # a lazy translation with %(param)s placeholders
    params: Mapping[str, ParamKind]
    # A confirmation is sent only with SMS_NOTIFICATIONS on; the sign-in code always.
    notification: bool = True
    # The parameters a provider's template takes, when fewer than the local text shows: a
    # 阿里云 验证码 template holds one variable, so its text states the validity itself.
    provider_params: tuple[str, ...] = field(default=())

    def params_for_provider(self, params: Mapping[str, str]) -> dict[str, str]:
        names = self.provider_params or tuple(self.params)
        return {name: params[name] for name in names}


TEMPLATES: dict[str, SmsTemplate] = {
    template.name: template
    for template in (
        SmsTemplate(
            name="login_code",
            text=_("您的登录验证码为%(code)s，%(minutes)s分钟内有效。请勿告诉他人。"),
            params={"code": ParamKind.CODE, "minutes": ParamKind.NUMBER},
            notification=False,
            provider_params=("code",),
        ),
        SmsTemplate(
            name="signup_confirmed",
            text=_("您已报名“%(activity)s”，活动时间%(starts)s。如需取消，请登录“我的志愿服务”。"),
            params={"activity": ParamKind.TEXT, "starts": ParamKind.TEXT},
        ),
        SmsTemplate(
            name="signup_waitlisted",
            text=_(
                "“%(activity)s”名额已满，您在候补名单第%(position)s位，递补成功后将短信通知您。"
            ),
            params={"activity": ParamKind.TEXT, "position": ParamKind.NUMBER},
        ),
        SmsTemplate(
            name="waitlist_promoted",
            text=_(
                "您已由候补转为正式报名“%(activity)s”，活动时间%(starts)s。"
                "如不能参加，请登录“我的志愿服务”取消。"
            ),
            params={"activity": ParamKind.TEXT, "starts": ParamKind.TEXT},
        ),
        SmsTemplate(
            name="registration_received",
            text=_("您在“%(station)s”的志愿者注册已收到，站点将尽快与您联系。"),
            params={"station": ParamKind.TEXT},
        ),
    )
}


class ParamProblem(ValueError):
    """Why a parameter cannot be sent: technical, for the log; it never holds the value."""


def utf16_length(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _extends_previous(ch: str) -> bool:
    """Whether `ch` belongs to the character before it on screen (an accent, a variation
    selector, a skin tone), so a cut must not fall just before it."""
    return unicodedata.category(ch).startswith("M") or ord(ch) in _EMOJI_MODIFIERS


def shorten(text: str, limit: int = TEXT_PARAM_MAX) -> str:
    """`text` in at most `limit` UTF-16 code units, ending in … when cut; a cut never splits a
    character: not a surrogate pair, not a letter from its accents, not a flag's two halves."""
    if utf16_length(text) <= limit:
        return text
    budget = limit - len(ELLIPSIS)
    kept, used = [], 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > budget:
            break
        kept.append(ch)
        used += width
    following = text[len(kept)]
    if _extends_previous(following):
        # The cut falls inside a cluster: drop its marks and the character they belong to.
        while kept and _extends_previous(kept[-1]):
            kept.pop()
        if kept:
            kept.pop()
    trailing_flags = 0
    while trailing_flags < len(kept) and ord(kept[-1 - trailing_flags]) in _REGIONAL_INDICATORS:
        trailing_flags += 1
    if trailing_flags % 2:
        kept.pop()  # half a flag
    return "".join(kept).rstrip() + ELLIPSIS


def clean_param(name: str, kind: ParamKind, value) -> str:
    """The value as it is sent, or ParamProblem."""
    if kind is ParamKind.NUMBER and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ParamProblem(f"parameter {name} is a {type(value).__name__}, not text")
    if kind is ParamKind.CODE:
        if not _CODE.fullmatch(value):
            raise ParamProblem(f"parameter {name} is not 4-6 ASCII letters or digits")
        return value
    if kind is ParamKind.NUMBER:
        if not _NUMBER.fullmatch(value):
            raise ParamProblem(f"parameter {name} is not 1-6 ASCII digits")
        return value
    problem = text_problem(value)
    if problem:
        bad = next(f"U+{ord(ch):04X}" for ch in value if text_problem(ch))
        raise ParamProblem(f"parameter {name} holds a refused character ({bad})")
    value = " ".join(value.split()).translate(_SIGNATURE_BRACKETS)
    if not value:
        raise ParamProblem(f"parameter {name} is empty")
    return shorten(value)


def clean_params(template: SmsTemplate, params: Mapping) -> dict[str, str]:
    if not isinstance(params, Mapping):
        raise ParamProblem("params is not a mapping")
    missing = [name for name in template.params if name not in params]
    extra = [str(name) for name in params if name not in template.params]
    if missing or extra:
        raise ParamProblem(
            f"template {template.name} takes {', '.join(template.params)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else "")
        )
    return {name: clean_param(name, kind, params[name]) for name, kind in template.params.items()}


def render(template: SmsTemplate, params: Mapping[str, str]) -> str:
    """The Chinese text of the template with these (cleaned) parameters."""
    return str(template.text) % params
