"""文号 (document numbers) of Chinese policy documents: parsing and normalising.

Two forms are in use:
- bracketed: issuer code, year in brackets, serial — 穗民〔2019〕62号, 穗民案〔2020〕102号;
- decree: an issuer's order with a serial and no year — 国务院令第685号, 民政部令第67号.

People type the year brackets every way they can (〔〕 [] 【】 () （）), with stray spaces and
full-width digits, so everything is folded to one canonical form before storing or comparing.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EXPECTED_FORM = _(
    "应写作“发文机关代字〔年份〕序号号”，如 穗民〔2019〕62号；或“某某令第N号”，如 国务院令第685号"
)

# After NFKC folding, full-width （） and ［］ have become () and [].
_BRACKET_PAIRS = {"〔": "〕", "[": "]", "【": "】", "(": ")", "［": "］", "〖": "〗"}
_ISSUER = r"[\u3400-\u9fff]+"
_BRACKETED = re.compile(
    rf"^(?P<issuer>{_ISSUER})(?P<open>[〔\[【(〖])(?P<year>\d{{4}})(?P<close>[〕\]】)〗])"
    r"第?(?P<serial>\d+)号?$"
)
_DECREE = re.compile(rf"^(?P<issuer>{_ISSUER}令)第(?P<serial>\d+)号$")

MIN_YEAR, MAX_YEAR = 1949, 2100


@dataclass(frozen=True)
class DocNumber:
    issuer_code: str
    year: int | None
    serial: int

    def __str__(self):
        if self.year is None:
            return f"{self.issuer_code}第{self.serial}号"
        return f"{self.issuer_code}〔{self.year}〕{self.serial}号"


def _fold(text: str) -> str:
    # NFKC turns full-width digits and （）［］ into ASCII; spaces of any width are dropped.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def parse_doc_number(text: str) -> DocNumber:
    """Parse a 文号 typed in any bracket style; raise ValidationError when it is malformed."""
    folded = _fold(text)
    if not folded:
        raise ValidationError(_("请填写文号。%(form)s") % {"form": EXPECTED_FORM}, code="empty")

    match = _BRACKETED.match(folded)
    if match:
        if _BRACKET_PAIRS.get(match["open"]) != match["close"]:
            raise ValidationError(
                _("文号“%(value)s”的年份括号不成对。%(form)s")
                % {"value": text, "form": EXPECTED_FORM},
                code="brackets",
            )
        year = int(match["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                _("文号“%(value)s”中的年份 %(year)s 不合理。%(form)s")
                % {"value": text, "year": year, "form": EXPECTED_FORM},
                code="year",
            )
        serial = int(match["serial"])
        if serial < 1:
            raise ValidationError(
                _("文号“%(value)s”的序号必须大于 0。%(form)s")
                % {"value": text, "form": EXPECTED_FORM},
                code="serial",
            )
        return DocNumber(issuer_code=match["issuer"], year=year, serial=serial)

    match = _DECREE.match(folded)
    if match and int(match["serial"]) >= 1:
        return DocNumber(issuer_code=match["issuer"], year=None, serial=int(match["serial"]))

    raise ValidationError(
        _("文号“%(value)s”格式不正确。%(form)s") % {"value": text, "form": EXPECTED_FORM},
        code="invalid",
    )


def fold_brackets(text: str) -> str:
    """Fold any year brackets to 〔〕 so a partial 文号 can be matched by substring."""
    folded = _fold(text)
    for opening, closing in _BRACKET_PAIRS.items():
        folded = folded.replace(opening, "〔").replace(closing, "〕")
    return folded
