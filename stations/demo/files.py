"""A demo station's evidence files, in the station's own collection: two drawn photos (its plaque
and its street front) and its rules document, the way a manager would upload them."""

import functools
import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from stations.access import FILES_COLLECTION as FILES_LABEL
from stations.access import ensure_station_collection

IMAGES = (
    ("plaque", "志愿服务站点统一标识牌（演示图片）", (183, 28, 28)),
    ("front", "志愿服务站点门前（演示图片）", (21, 101, 192)),
)
RULES_TITLE = "志愿服务站点管理制度（演示范本）"
RULES_TEXT = "\n".join(
    [
        "志愿服务站点管理制度（演示范本）",
        "一、志愿者招募：常年公开招募，经站点审核后注册。",
        "二、培训：新志愿者须参加通用培训，岗位有要求的另行专项培训。",
        "三、服务记录：按《志愿服务记录与证明出具办法（试行）》如实记录服务时长。",
        "四、嘉许激励：按服务时长和表现开展星级认定和年度嘉许。",
    ]
)


@functools.cache
def _plaque_png(colour: tuple[int, int, int]) -> bytes:
    """A simple drawn station plaque (no text, so no CJK font is needed on a fresh machine);
    drawn once per colour, however many stations use it."""
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


def ensure_station_evidence(station, report) -> dict:
    """The station's plaque photo, street-front photo and rules document (found, or created in
    its collection): {"plaque": image, "front": image, "rules": document}."""
    collection = ensure_station_collection(station)
    Image = get_image_model()
    Document = get_document_model()
    files = {}
    created = False
    for key, title, colour in IMAGES:
        image = Image.objects.filter(title=title, collection=collection).first()
        if image is None:
            image = Image(title=title, collection=collection)
            image.file = ImageFile(io.BytesIO(_plaque_png(colour)), name=f"demo-{key}.png")
            image.save()
            created = True
        files[key] = image
    document = Document.objects.filter(title=RULES_TITLE, collection=collection).first()
    if document is None:
        document = Document(title=RULES_TITLE, collection=collection)
        document.file = ContentFile(RULES_TEXT.encode("utf-8"), name="demo-station-rules.txt")
        document.save()
        document.get_file_size()
        created = True
    files["rules"] = document
    # One line per station, not per file: the report lists what a person would look for.
    report.record(created, f"{FILES_LABEL}：{collection.name}")
    return files
