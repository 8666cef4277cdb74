"""The station directory's page at /stations/."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import PageChooserPanel
from wagtail.models import Page

from home.base.mixins import IndexPageMixin
from search.fields import analysed
from search.markers import SiteSearchable


class StationIndexPage(SiteSearchable, IndexPageMixin, Page):
    """/stations/: the map beside a list, filters, nearest stations.

    Its nearby.json and map.geojson are served by stations.directory.endpoints, routed in
    portal/urls.py: Wagtail's page URLs cannot hold a dot.
    """

    registration_page = models.ForeignKey(
        "stations.RegistrationFormPage",
        verbose_name=_("志愿者注册表单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("每个站点页面的“报名成为志愿者”链接指向这个表单，并带上该站点。"),
    )

    template = "stations/directory/station_index_page.html"

    content_panels = Page.content_panels + [
        *IndexPageMixin.header_panels,
        PageChooserPanel("registration_page", "stations.RegistrationFormPage"),
    ]
    search_fields = analysed(IndexPageMixin.header_search_fields)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["stations.StationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("站点目录")
        verbose_name_plural = _("站点目录")

    def get_context(self, request, *args, **kwargs):
        from stations.directory.listing import station_directory

        context = super().get_context(request, *args, **kwargs)
        context["directory"] = station_directory(index_page=self, params=request.GET)
        return context
