"""Evidence files shared by the demo stations: drawn plaque photos and a rules document."""

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from home.base.demo import demo_collection


def _plaque_png(colour: tuple[int, int, int]) -> bytes:
    """A simple drawn station plaque (no text, so no CJK font is needed on a fresh machine)."""
    image = PILImage.new("RGB", (640, 400), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 60, 580, 340), radius=24, fill=colour, outline=(255, 255, 255))
    draw.rounded_rectangle((84, 84, 556, 316), radius=16, outline=(255, 255, 255), width=6)
    # A heart, the volunteer symbol.
    draw.ellipse((250, 130, 320, 200), fill=(255, 255, 255))
    draw.ellipse((320, 130, 390, 200), fill=(255, 255, 255))
    draw.polygon([(255, 180), (385, 180), (320, 260)], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ensure_evidence(report) -> dict:
    """One plaque photo, one street-front photo and one rules document, shared by demo stations."""
    collection = demo_collection()
    Image = get_image_model()
    Document = get_document_model()
    files = {}
    for key, title, colour in (
        ("plaque", "志愿服务站点统一标识牌（演示图片）", (183, 28, 28)),
        ("front", "志愿服务站点门前（演示图片）", (21, 101, 192)),
    ):
        image = Image.objects.filter(title=title, collection=collection).first()
        if image is None:
            image = Image(title=title, collection=collection)
            image.file = ImageFile(io.BytesIO(_plaque_png(colour)), name=f"demo-{key}.png")
            image.save()
            report.record(True, title)
        files[key] = image
    title = "志愿服务站点管理制度（演示范本）"
    document = Document.objects.filter(title=title, collection=collection).first()
    if document is None:
        text = "\n".join(
            [
                "志愿服务站点管理制度（演示范本）",
                "一、志愿者招募：常年公开招募，经站点审核后注册。",
                "二、培训：新志愿者须参加通用培训，岗位有要求的另行专项培训。",
                "三、服务记录：按《志愿服务记录与证明出具办法（试行）》如实记录服务时长。",
                "四、嘉许激励：按服务时长和表现开展星级认定和年度嘉许。",
            ]
        )
        document = Document(title=title, collection=collection)
        document.file = ContentFile(text.encode("utf-8"), name="demo-station-rules.txt")
        document.save()
        document.get_file_size()
        report.record(True, title)
    files["rules"] = document
    return files
