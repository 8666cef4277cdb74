"""登录后自动填写: the sign-up and registration forms filled from the signed-in volunteer.

A page filled this way shows one resident's name and mobile, so it is sent private and never
stored (`keep_private`); the same page for everyone else stays as it was. The values are only a
starting point: the resident may change them (to sign up a relative, say), and what is posted is
checked like anything typed.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers


def signed_in_volunteer(request):
    return getattr(request, "volunteer", None)


def initial_values(request) -> dict[str, str]:
    """{'name': …, 'mobile': …} of the signed-in volunteer (empty when nobody is signed in)."""
    volunteer = signed_in_volunteer(request)
    if volunteer is None or not volunteer.mobile:
        return {}
    values = {"mobile": volunteer.mobile}
    if volunteer.name:
        values["name"] = volunteer.name
    return values


def login_url(request, anchor: str = "") -> str:
    """The sign-in page, coming back to this page (and its form) afterwards."""
    back = request.get_full_path() + (f"#{anchor}" if anchor else "")
    return reverse("volunteers:login") + "?" + urlencode({"next": back}, safe="/")


def context(request, *, anchor: str) -> dict:
    """What the forms' "登录后自动填写" line needs."""
    volunteer = signed_in_volunteer(request)
    return {
        "autofill_volunteer": volunteer,
        "autofill_login_url": None if volunteer is not None else login_url(request, anchor),
    }


def keep_private(request, response):
    """A page that may hold the volunteer's own details: private, not stored, varies by cookie."""
    if signed_in_volunteer(request) is not None:
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ("Cookie",))
    return response
