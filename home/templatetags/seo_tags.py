"""<meta name="description"> for every page the portal serves (base.html)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The public views that are not pages, by URL name: each says what it is for.
VIEW_DESCRIPTIONS = {
    "search": _("在社区志愿服务门户搜索政策文件（可按文号查找）、志愿服务站点、活动和嘉许故事。"),
    "volunteers:login": _(
        "用手机号码和短信验证码登录“我的志愿服务”，查看活动报名、志愿者注册、服务记录和积分。"
    ),
    "certificate_lookup": _("核验志愿服务记录证明：输入证明编号和核验码，查看证明是否有效。"),
    "certificate_verify": _("志愿服务记录证明的核验结果：证明是否有效、出具站点和服务时长。"),
}


@register.simple_tag(takes_context=True)
def meta_description(context) -> str:
    """A view's own `meta_description`, else the page's line (the one og:description uses,
    home/base/seo.py), else what the view is for, else what the portal is for."""
    from home.base import seo

    given = context.get("meta_description")
    if given:
        return seo.plain(str(given))
    page = context.get("page")
    if page is not None and hasattr(page, "get_full_url"):
        return seo.page_description(page.specific_deferred)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in VIEW_DESCRIPTIONS:
        return str(VIEW_DESCRIPTIONS[match.view_name])
    return seo.site_description()
