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
