"""The certificate's PDF: its text comes back out (pdftotext; pypdf where installed), long
lists run over pages with the table's heading on each, and a missing font is a Chinese message
for the manager, not a 500."""

import io
import re
import shutil
import subprocess

import pytest
from django.test import override_settings

from stations.volunteers import certificate_pdf
from stations.volunteers.certificate_pdf import CertificateFontMissing, render_pdf
from stations.volunteers.certificates import revoke_certificate, verification_url
from tests.factories.records import confirmed_record, past_activity
from tests.shared_data import shared_fixture
from tests.stations.volunteers.certificate_world import NAME, build_world, issue

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@shared_fixture
def world():
    return build_world()


def pdf_text(data: bytes, *pages: int) -> str:
    """pdftotext's reading of the PDF (of pages `first`–`last` when given)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    done = subprocess.run([*args, "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_pdftotext
def test_pdftotext_gives_back_the_name_and_the_numbers(world):
    certificate = issue(world)
    text = pdf_text(render_pdf(certificate))
    for expected in (
        "志愿服务记录证明",
        NAME,
        certificate.number,
        world["person"].number,
        world["a"].title,
        "李主任",
        "王经办",
        "020-12345678",
        "社区清洁日",
        "9.5",
        verification_url(certificate.verify_code),
        certificate.verify_code,
    ):
        assert expected in text, expected
    assert f"{certificate.issued_on.year}年{certificate.issued_on.month}月" in text


def test_pypdf_reads_the_same_text(world):
    pypdf = pytest.importorskip("pypdf")
    certificate = issue(world)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(certificate)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert NAME in text and certificate.number in text


def test_the_font_is_embedded_as_a_subset(world):
    data = render_pdf(issue(world))
    assert data.startswith(b"%PDF")
    assert b"/FontFile3" in data or b"/FontFile2" in data  # embedded, CFF or TrueType
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+", data), "the font is not a subset"
    assert len(data) < 400_000  # a subset, not the 8–11 MB font files


@needs_pdftotext
def test_many_records_run_over_pages_with_the_heading_on_each(world):
    for n in range(45):
        activity = past_activity(
            index=world["index"], station=world["a"], days_ago=40 + n, title=f"第{n}次巡查"
        )
        confirmed_record(activity=activity, volunteer=world["person"], hours_given=1)
    certificate = issue(world)
    data = render_pdf(certificate)
    pages = int(re.search(r"共 (\d+) 页", pdf_text(data, 1)).group(1))
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(data, page)
        assert "活动与服务内容" in text, page
        assert f"第 {page} 页" in text and certificate.number in text
    everything = flat(pdf_text(data))
    assert all(f"第{n}次巡查" in everything for n in range(45))
    assert "合计" in everything and "54.5" in everything


@needs_pdftotext
def test_a_revoked_certificate_says_so_on_its_pdf(world):
    certificate = issue(world)
    revoke_certificate(certificate=certificate, by=world["manager_a"], reason="重复出具")
    text = flat(pdf_text(render_pdf(certificate)))
    assert "已于" in text and "撤销" in text and "重复出具" in text


@override_settings(CERTIFICATE_FONT="/nonexistent/font.otf")
def test_a_missing_configured_font_is_a_chinese_message(world):
    with pytest.raises(CertificateFontMissing) as missing:
        render_pdf(issue(world))
    assert "CERTIFICATE_FONT" in missing.value.message and "字体" in missing.value.message


def test_a_file_that_is_no_font_is_a_chinese_message(world, tmp_path):
    bogus = tmp_path / "font.otf"
    bogus.write_bytes(b"not a font at all")
    certificate = issue(world)
    with (
        override_settings(CERTIFICATE_FONT=str(bogus)),
        pytest.raises(CertificateFontMissing) as missing,
    ):
        render_pdf(certificate)
    assert "字体文件无法使用" in missing.value.message


def test_without_the_font_package_the_message_says_what_to_install(world, monkeypatch):
    def no_package(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(certificate_pdf.resources, "files", no_package)
    certificate = issue(world)
    with override_settings(CERTIFICATE_FONT=""), pytest.raises(CertificateFontMissing) as missing:
        render_pdf(certificate)
    assert "pylopdf-fonts-zh-cn" in missing.value.message


@pytest.mark.parametrize(("value", "text"), [("12.0", "12"), ("3.5", "3.5"), ("0.5", "0.5")])
def test_hours_are_written_without_a_needless_decimal(value, text):
    assert certificate_pdf.hours_text(value) == text
