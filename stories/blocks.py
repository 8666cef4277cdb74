"""Story bodies: the portal's shared stream plus a self-hosted video."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from home.base.blocks import BaseStreamBlock

# What <video> plays in every current browser; other formats would show a dead player.
VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm"}


class VideoBlock(blocks.StructBlock):
    # A video file uploaded to the site's documents, not a third-party embed: the portal serves
    # its own assets, and an embed would need the provider's oEmbed service at save time.
    video = DocumentChooserBlock(label=_("视频文件"), help_text=_("MP4 或 WebM 格式。"))
    title = blocks.CharBlock(
        label=_("视频标题"),
        max_length=120,
        help_text=_("简要说明视频内容，读屏软件会朗读。"),
    )
    poster = ImageChooserBlock(label=_("封面图"), required=False)
    caption = blocks.CharBlock(label=_("视频说明"), required=False, max_length=300)
    transcript = blocks.TextBlock(
        label=_("文字稿"), required=False, help_text=_("视频中讲话的文字，方便听障读者。")
    )

    class Meta:
        icon = "media"
        label = _("视频")
        template = "stories/blocks/video_block.html"
        description = _("站内上传的视频，附标题，可加封面、说明和文字稿。")

    def clean(self, value):
        value = super().clean(value)
        document = value.get("video")
        if document is not None and document.file_extension.lower() not in VIDEO_TYPES:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "video": ValidationError(
                        _("“%(title)s”不是 MP4 或 WebM 视频，浏览器无法直接播放。")
                        % {"title": document.title}
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        document = value.get("video")
        if document is not None:
            context["mime_type"] = VIDEO_TYPES.get(document.file_extension.lower(), "")
        return context


class StoryStreamBlock(BaseStreamBlock):
    video = VideoBlock()
