"""The one StreamField vocabulary every free-form page shares."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题文字"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题")), ("h4", _("四级标题"))],
        default="h2",
        search_index=False,  # how the heading looks, not what the page says
    )

    class Meta:
        icon = "title"
        label = _("小标题")
        template = "home/blocks/heading_block.html"
        description = _("正文中的小标题，按层级使用，不要跳级。")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    alt_text = blocks.CharBlock(
        label=_("替代文字"),
        max_length=200,
        help_text=_("为看不到图片的读者描述图片内容（读屏软件会朗读）。"),
    )
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "home/blocks/image_block.html"
        description = _("一张图片，必须附替代文字，可加说明。")

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("alt_text") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={"alt_text": ValidationError(_("请为图片填写替代文字。"))}
            )
        return value


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处或讲述人"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("引文")
        template = "home/blocks/quote_block.html"
        description = _("一段引语，可注明出处。")


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("段落"),
        icon="pilcrow",
        template="home/blocks/paragraph_block.html",
        description=_("一段或几段正文，可加粗、加链接、列表。"),
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
    )
    image = ImageBlock()
    quote = QuoteBlock()
