from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.base import slugs
from home.models import PolicyKind


class PolicyKindViewSet(SnippetViewSet):
    model = PolicyKind
    icon = "tag"
    menu_label = _("文件类别")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "sort_order"]
    search_fields = ["name"]


register_snippet(PolicyKindViewSet)


# Readable ASCII slugs for Chinese titles (home/base/slugs.py): the slug the admin made from the
# title is rewritten before the page form validates it.
@hooks.register("before_create_page")
def readable_slug_on_create(request, parent_page, page_class):
    slugs.rewrite_posted_slug(request, parent=parent_page)


@hooks.register("before_edit_page")
def readable_slug_on_edit(request, page):
    slugs.rewrite_posted_slug(request, parent=page.get_parent(), page=page)
