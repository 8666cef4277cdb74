"""The story body: images must carry alt text, videos must be playable files."""

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail_factories import ImageFactory

from stories.blocks import StoryStreamBlock, VideoBlock


def document(name: str):
    doc = get_document_model()(title=name)
    doc.file = ContentFile(b"\x00\x00\x00\x18ftypmp42", name=name)
    doc.save()
    return doc


@pytest.mark.django_db
def test_a_video_must_be_mp4_or_webm():
    block = VideoBlock()
    value = block.to_python({"video": document("slides.pdf").pk, "title": "活动视频"})
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    assert "不是 MP4 或 WebM 视频" in str(caught.value.block_errors["video"])


@pytest.mark.django_db
def test_a_video_plays_in_the_page_with_its_type_and_transcript():
    block = VideoBlock()
    doc = document("story.mp4")
    value = block.clean(
        block.to_python({"video": doc.pk, "title": "陪伴老人", "transcript": "大家好<script>"})
    )
    html = block.render(value)
    assert f'<source src="{doc.url}" type="video/mp4">' in html
    assert 'aria-label="陪伴老人"' in html
    assert "大家好&lt;script&gt;" in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_an_image_in_a_story_needs_alt_text():
    stream = StoryStreamBlock()
    value = stream.to_python(
        [{"type": "image", "value": {"image": ImageFactory().pk, "alt_text": " "}}]
    )
    with pytest.raises(StreamBlockValidationError):
        stream.clean(value)
