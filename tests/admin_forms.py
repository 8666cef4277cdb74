"""Posting to the Wagtail admin's own page views, as an editor's browser would."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data


def add_url(model, parent):
    meta = model._meta
    return reverse("wagtailadmin_pages:add", args=(meta.app_label, meta.model_name, parent.pk))


def publish(client, model, parent, **fields):
    """Create and publish a page of `model` under `parent` through the admin's add view."""
    data = nested_form_data({"action-publish": "action-publish", **fields})
    return client.post(add_url(model, parent), data)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def login(client, users, who):
    """The test client signed in as one of the `users` fixture's users."""
    client.force_login(users[who])
    return client


def table_of(response) -> str:
    """The HTML of a modeladmin index view's listing table ("" when the list is empty)."""
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('<table class="listing')
    return html[start : html.find("</table>", start)] if start != -1 else ""


def denied(response):
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
    return response.status_code == 302 and response["Location"] == "/admin/"
