"""The sign-up form and the sign-up's own page as a screen reader meets them: every hint and
message is the element its field's aria-describedby names, and every form posts somewhere real
(no action="", an HTML error)."""

import pytest
from django.urls import reverse

from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.html_references import read
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

GOOD = {"name": "陈小明", "mobile": "139 1234 5678", "consent": "on", "homepage": ""}


@shared_fixture
def activity():
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(parent=index, station=station, capacity=2, title="社区清洁日")


def post_url(activity) -> str:
    return reverse("activity_signup", args=[activity.pk])


def test_the_mobile_hint_is_what_the_mobile_box_is_described_by(client, activity):
    page = read(client.get(activity.url).content.decode())
    assert page.problems() == []
    [hint] = page.described("id_mobile")
    assert hint.attrs["class"] == "hint"
    assert "11 位中国大陆手机号" in hint.text
    # Nothing to describe yet: no stray reference on the other fields.
    assert "aria-describedby" not in page.by_id["id_name"].attrs
    assert "aria-invalid" not in page.by_id["id_mobile"].attrs


def test_each_message_is_read_with_its_field(client, activity):
    response = client.post(post_url(activity), {"name": "", "mobile": "12345", "homepage": ""})
    assert response.status_code == 400
    page = read(response.content.decode())
    assert page.problems() == []

    [name_error] = page.described("id_name")
    assert "请填写姓名" in name_error.text
    hint, mobile_error = page.described("id_mobile")
    assert "11 位中国大陆手机号" in hint.text
    assert mobile_error.attrs["class"] == "field__error" and mobile_error.text.strip()
    [consent_error] = page.described("id_consent")
    assert "请勾选同意" in consent_error.text
    for field in ("id_name", "id_mobile", "id_consent"):
        assert page.by_id[field].attrs["aria-invalid"] == "true"
    # The summary at the top links to each field.
    links = {e.attrs["href"] for e in page.elements if e.tag == "a" and "href" in e.attrs}
    assert {"#id_name", "#id_mobile", "#id_consent"} <= links


def test_a_refusal_of_the_sign_up_itself_is_announced_at_the_top(client, activity):
    assert client.post(post_url(activity), GOOD).status_code == 303
    response = client.post(post_url(activity), {**GOOD, "name": "陈小红"})
    assert response.status_code == 409
    page = read(response.content.decode())
    assert page.problems() == []
    summary = page.by_id["error-summary"]
    assert summary.attrs["role"] == "alert" and "已经报名" in summary.text
    [title] = [page.by_id[name] for name in summary.attrs["aria-labelledby"].split()]
    assert title.text.strip()
    # About the sign-up, not the number typed: the mobile box is described by its hint alone.
    [hint] = page.described("id_mobile")
    assert hint.attrs["class"] == "hint"


def test_the_sign_ups_page_posts_to_itself(client, activity):
    url = client.post(post_url(activity), GOOD)["Location"]

    shown = read(client.get(url).content.decode())
    assert shown.problems() == []
    asked = read(client.get(url + "?cancel=1").content.decode())
    assert asked.problems() == []
    [cancel] = [e for e in asked.elements if e.tag == "form" and e.attrs.get("method") == "post"]
    assert cancel.attrs["action"] == url

    # A POST without the confirmation asks again, with the same form and a message.
    response = client.post(url, {})
    assert response.status_code == 400
    again = read(response.content.decode())
    assert again.problems() == []
    [cancel] = [e for e in again.elements if e.tag == "form" and e.attrs.get("method") == "post"]
    assert cancel.attrs["action"] == url


def test_an_unknown_sign_up_link_has_no_broken_reference(client, activity):
    response = client.get("/activities/signups/not-a-real-token-at-all-000000000/")
    assert response.status_code == 404
    assert read(response.content.decode()).problems() == []
