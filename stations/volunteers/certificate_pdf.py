"""The 志愿服务记录证明 as an A4 PDF (fpdf2), drawn from the certificate's own snapshot, so the
same certificate always gives the same document.

The font is embedded as a subset of an OpenType CJK font (Noto Sans SC from the
pylopdf-fonts-zh-cn package; CERTIFICATE_FONT names another file): Chinese shows in any viewer
and `pdftotext` gives the text back. One font, not a serif title beside it: parsing each CJK
font costs a few tenths of a second per document. The QR code (segno, a PNG
made in memory) and the short URL under it lead to the public verification page.
"""

import io
from decimal import Decimal
from importlib import resources
from pathlib import Path

import segno
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from stations.volunteers.certificates import verification_url

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
FONT = "cert-zh"
MARGIN = 20  # mm
FOOTER_ROOM = 18  # mm kept free at the bottom of each page for the footer
ISSUER_BLOCK = 62  # mm the issuer's block and the QR code need, kept on one page
QR_SIZE = 32  # mm
GREY, RED, BLACK = (90, 90, 90), (176, 0, 32), (0, 0, 0)


class CertificateFontMissing(RuntimeError):
    """No usable Chinese font: `message` tells the manager what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def font_file() -> str:
    """CERTIFICATE_FONT when set, else the packaged Noto Sans SC."""
    configured = getattr(settings, "CERTIFICATE_FONT", "") or ""
    if configured:
        if not Path(configured).is_file():
            raise CertificateFontMissing(
                _(
                    "无法生成证明 PDF：找不到设置 CERTIFICATE_FONT 指定的字体文件（%(path)s）。"
                    "请网站管理员改正这个设置，或删除它以使用自带的中文字体。"
                )
                % {"path": configured}
            )
        return configured
    try:
        found = Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))
    except (ModuleNotFoundError, TypeError):
        found = None
    if found is None or not found.is_file():
        raise CertificateFontMissing(
            _(
                "无法生成证明 PDF：服务器上没有中文字体。请网站管理员按 README 安装依赖"
                "（pylopdf-fonts-zh-cn），或用设置 CERTIFICATE_FONT 指定一个中文 OTF/TTF 字体文件。"
            )
        )
    return str(found)


def hours_text(value) -> str:
    """12.0 → 12, 3.5 → 3.5."""
    text = f"{Decimal(str(value)):.1f}"
    return text[:-2] if text.endswith(".0") else text


def day_text(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def qr_png(url: str) -> io.BytesIO:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=10, border=2)
    image.seek(0)
    return image


class CertificateDocument(FPDF):
    def __init__(self, certificate):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.certificate = certificate
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=FOOTER_ROOM + 2)
        path = font_file()
        try:
            self.add_font(FONT, "", path)
        except Exception as error:  # fontTools raises many kinds for a file that is no font
            raise CertificateFontMissing(
                _("无法生成证明 PDF：字体文件无法使用（%(error)s）。请网站管理员检查字体设置。")
                % {"error": type(error).__name__}
            ) from error

    def footer(self):
        self.set_y(-FOOTER_ROOM + 4)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        text = _("证明编号 %(number)s · 第 %(page)s 页，共 {nb} 页") % {
            "number": self.certificate.number,
            "page": self.page_no(),
        }
        self.cell(0, 5, text, align="C")
        self.set_text_color(*BLACK)


def _facts(pdf: CertificateDocument, certificate) -> None:
    period = f"{day_text(certificate.period_start)} 至 {day_text(certificate.period_end)}"
    rows = (
        (_("姓名"), certificate.name),
        (_("志愿者编号"), certificate.volunteer_number),
        (_("服务期间"), period),
        (_("累计服务时长"), _("%(hours)s 小时") % {"hours": hours_text(certificate.total_hours)}),
    )
    pdf.set_font(FONT, size=12)
    for label, value in rows:
        pdf.cell(36, 9, f"{label}：")
        pdf.cell(0, 9, str(value), new_x="LMARGIN", new_y="NEXT")


def _statement(pdf: CertificateDocument, certificate) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    text = _(
        "兹证明上述志愿者在%(station)s参加志愿服务，以上服务时长由本站点记录并确认（往返路途时间不计入），"
        "服务记录如下："
    ) % {"station": certificate.station_name}
    pdf.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _records(pdf: CertificateDocument, certificate) -> None:
    pdf.set_font(FONT, size=10)
    plain = FontFace(emphasis="", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=(12, 30, 103, 25),
        text_align=("CENTER", "CENTER", "LEFT", "RIGHT"),
        headings_style=plain,
        line_height=6,
        repeat_headings=1,
        padding=1.5,
    ) as table:
        table.row([_("序号"), _("日期"), _("活动与服务内容"), _("时长（小时）")])
        for index, row in enumerate(certificate.activities, start=1):
            title, content = row.get("title", ""), row.get("content", "")
            described = title if not content or content == title else f"{title}：{content}"
            table.row([str(index), row.get("date", ""), described, hours_text(row["hours"])])
        table.row(["", "", _("合计"), hours_text(certificate.total_hours)])


def _issuer(pdf: CertificateDocument, certificate) -> None:
    if pdf.get_y() > pdf.h - FOOTER_ROOM - ISSUER_BLOCK:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    text_width = pdf.epw - QR_SIZE - 8
    pdf.set_font(FONT, size=11)
    for label, value in (
        (_("出具单位（盖章）"), certificate.station_name),
        (_("负责人"), certificate.person_in_charge),
        (_("经办人"), certificate.handled_by),
        (_("联系电话"), certificate.contact),
        (_("出具日期"), day_text(certificate.issued_on)),
    ):
        pdf.multi_cell(
            text_width, 7.5, f"{label}：{value}", align="L", new_x="LMARGIN", new_y="NEXT"
        )
    url = verification_url(certificate.verify_code)
    left = pdf.l_margin + pdf.epw - QR_SIZE
    pdf.image(qr_png(url), x=left, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(left - 4, top + QR_SIZE + 1)
    pdf.set_font(FONT, size=8)
    pdf.cell(QR_SIZE + 8, 4, _("扫码核验"), align="C")
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 6))
    pdf.set_x(pdf.l_margin)
    pdf.ln(3)
    pdf.set_font(FONT, size=10)
    for line in (
        _("核验网址：%(url)s") % {"url": url},
        _("核验码：%(code)s") % {"code": certificate.verify_code},
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(*GREY)
    for line in (
        _(
            "扫描二维码或访问核验网址即可核验本证明。核验页面只显示证明是否有效、证明编号、"
            "出具单位、出具日期、累计服务时长和隐去部分姓名的持有人。"
        ),
        _("本证明依据民政部《志愿服务记录与证明出具办法（试行）》出具，不收取任何费用。"),
    ):
        pdf.multi_cell(0, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*BLACK)


def render_pdf(certificate) -> bytes:
    """The certificate's PDF; CertificateFontMissing when no Chinese font can be used."""
    pdf = CertificateDocument(certificate)
    pdf.set_title(_("志愿服务记录证明 %(number)s") % {"number": certificate.number})
    pdf.set_author(certificate.station_name)
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(certificate.issued_at)
    pdf.add_page()
    pdf.set_font(FONT, size=22)
    pdf.cell(0, 14, _("志愿服务记录证明"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10.5)
    number = _("证明编号：%(number)s") % {"number": certificate.number}
    pdf.cell(0, 8, number, align="R", new_x="LMARGIN", new_y="NEXT")
    if certificate.is_revoked:
        # Drawn from the same snapshot; only this line says the certificate no longer holds.
        pdf.set_text_color(*RED)
        revoked = timezone.localdate(certificate.revoked_at)
        pdf.multi_cell(
            0,
            7,
            _("本证明已于%(day)s撤销，不再有效。撤销原因：%(reason)s")
            % {"day": day_text(revoked), "reason": certificate.revoked_reason},
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*BLACK)
    pdf.ln(3)
    _facts(pdf, certificate)
    _statement(pdf, certificate)
    _records(pdf, certificate)
    _issuer(pdf, certificate)
    return bytes(pdf.output())


def pdf_response(certificate) -> HttpResponse:
    """The PDF as a download, never stored by a cache (it holds a full name)."""
    response = HttpResponse(render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
