from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
