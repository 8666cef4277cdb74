"""The policy document register (政策文件)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.base.choices import Level
from home.base.docnumbers import parse_doc_number
from home.base.mixins import IndexPageMixin
from home.base.snippets import NamedInOrder
from home.partial_dates import EXPECTED as DATE_EXPECTED
from home.partial_dates import parse_partial_date
from search.fields import analysed
from search.markers import SiteSearchable


class PolicyStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")


class PolicyKind(NamedInOrder):
    """A kind of policy document (条例、通知、意见 …): a list editors keep as a snippet."""

    class Meta(NamedInOrder.Meta):
        verbose_name = _("文件类别")
        verbose_name_plural = _("文件类别")


class PolicyIndexPage(SiteSearchable, RoutablePageMixin, IndexPageMixin, Page):
    """The register at /policies/: filters, 文号 lookup, pagination; its Atom feed at feed/."""

    content_panels = Page.content_panels + IndexPageMixin.header_panels
    search_fields = analysed(IndexPageMixin.header_search_fields)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PolicyDocumentPage"]
    max_count = 1

    class Meta:
        verbose_name = _("政策文件库")
        verbose_name_plural = _("政策文件库")

    def get_context(self, request, *args, **kwargs):
        from home.policy_register import policy_register

        context = super().get_context(request, *args, **kwargs)
        context["register"] = policy_register(index_page=self, params=request.GET)
        return context

    @path("feed/")
    def feed(self, request):
        from home.feeds import PolicyFeed

        return PolicyFeed()(request, index=self)


class PolicyDocumentPage(SiteSearchable, Page):
    doc_number = models.CharField(
        _("文号"),
        max_length=60,
        blank=True,
        help_text=_(
            "如 穗民〔2019〕62号 或 国务院令第685号；没有文号的文件留空。括号可用〔〕[]【】()（）。"
        ),
    )
    # The 文号's parts, derived on save, for exact lookup however the brackets were typed.
    doc_issuer_code = models.CharField(_("发文机关代字"), max_length=40, blank=True, editable=False)
    doc_year = models.PositiveSmallIntegerField(
        _("文号年份"), null=True, blank=True, editable=False
    )
    doc_serial = models.PositiveIntegerField(_("文号序号"), null=True, blank=True, editable=False)

    issuer = models.CharField(_("发文机关"), max_length=120)
    issued = models.CharField(
        _("发布日期"),
        max_length=10,
        help_text=_("可只写到年或月：2021、2021-03 或 2021-03-07；页面按所写精度显示。"),
    )
    issued_on = models.DateField(_("排序日期"), null=True, blank=True, editable=False)
    issued_year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True, editable=False)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.ForeignKey(
        PolicyKind, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="documents"
    )
    status = models.CharField(
        _("效力状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
    region = models.CharField(_("适用地区"), max_length=120, blank=True)
    body = RichTextField(
        _("全文"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("doc_number"),
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("issued"), FieldPanel("level")]),
                # A short list: a plain select beats the snippet chooser's modal.
                FieldRowPanel([FieldPanel("kind", widget=forms.Select), FieldPanel("status")]),
                FieldPanel("region"),
            ],
            heading=_("文件信息"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件"), heading=_("附件")),
        InlinePanel("related_links", label=_("相关文件"), heading=_("相关文件")),
    ]
    search_fields = analysed(
        Page.search_fields
        + [
            index.SearchField("doc_number", boost=5),
            index.AutocompleteField("doc_number"),
            index.SearchField("issuer", boost=2),
            index.SearchField("region"),
            index.SearchField("body"),
            index.FilterField("level"),
            index.FilterField("kind"),
            index.FilterField("status"),
            index.FilterField("issued_year"),
            index.FilterField("issued_on"),
            index.RelatedFields("kind", [index.SearchField("name")]),
        ]
    )

    parent_page_types = ["home.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        indexes = [
            models.Index(
                fields=["doc_issuer_code", "doc_year", "doc_serial"], name="policy_docno_idx"
            ),
            models.Index(fields=["-issued_on"], name="policy_issued_idx"),
        ]

    def clean(self):
        super().clean()
        errors = {}
        self._clean_doc_number(errors)
        try:
            issued = parse_partial_date(self.issued)
        except ValidationError as error:
            errors["issued"] = error.messages if self.issued else [str(DATE_EXPECTED)]
        else:
            self.issued, self.issued_on, self.issued_year = issued.text, issued.start, issued.year
        if errors:
            raise ValidationError(errors)

    def _clean_doc_number(self, errors):
        if not (self.doc_number or "").strip():
            self.doc_number, self.doc_issuer_code, self.doc_year, self.doc_serial = (
                "",
                "",
                None,
                None,
            )
            return
        try:
            parsed = parse_doc_number(self.doc_number)
        except ValidationError as error:
            errors["doc_number"] = error.messages
            return
        clash = (
            PolicyDocumentPage.objects.filter(
                doc_issuer_code=parsed.issuer_code, doc_year=parsed.year, doc_serial=parsed.serial
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            errors["doc_number"] = [
                _("文号 %(number)s 已被《%(title)s》使用，同一文号只能登记一次。")
                % {"number": parsed, "title": clash.title}
            ]
            return
        self.doc_number = str(parsed)
        self.doc_issuer_code, self.doc_year, self.doc_serial = (
            parsed.issuer_code,
            parsed.year,
            parsed.serial,
        )

    def structured_data(self, request):
        from home.seo import legislation_data

        return legislation_data(self, request)

    def get_context(self, request, *args, **kwargs):
        from home.base.page_links import attach_parent
        from home.policy_register import related_documents

        context = super().get_context(request, *args, **kwargs)
        attach_parent(self)  # the breadcrumb's register
        context["related"] = related_documents(page=self)
        context["attachment_list"] = self.attachments.select_related("document").all()
        return context


class PolicyAttachment(Orderable):
    page = ParentalKey(PolicyDocumentPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("显示名称"), max_length=200, blank=True, help_text=_("留空则使用文件标题。")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    @property
    def display_title(self):
        return self.title or self.document.title


class PolicyRelation(Orderable):
    page = ParentalKey(PolicyDocumentPage, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        PolicyDocumentPage,
        verbose_name=_("相关文件"),
        on_delete=models.CASCADE,
        related_name="referenced_by",
    )

    panels = [FieldPanel("target")]

    class Meta(Orderable.Meta):
        verbose_name = _("相关文件")
        verbose_name_plural = _("相关文件")
        constraints = [
            models.UniqueConstraint(fields=["page", "target"], name="policy_relation_unique")
        ]

    def clean(self):
        super().clean()
        if self.page_id and self.target_id == self.page_id:
            raise ValidationError({"target": _("文件不能与自己相关联。")})
