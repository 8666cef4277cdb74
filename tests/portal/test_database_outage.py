"""While the database cannot be reached, residents get a 503 that says to try again, with
Retry-After, never a 500; data endpoints answer JSON. Other errors keep the plain 500 page."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from portal.views import RETRY_AFTER_SECONDS
from tests.factories.stations import make_station_site

pytestmark = pytest.mark.django_db


@contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/", "/stations/", "/activities/", "/search/?q=志愿"])
def test_a_page_says_try_again_later(browser, path):
    make_station_site()
    with database_down():
        response = browser.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "服务暂时不可用" in response.content.decode()


def test_data_endpoints_answer_json(browser):
    make_station_site()
    with database_down():
        response = browser.get("/stations/nearby.json?lat=23.13&lng=113.26")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"error": "服务暂时不可用，请稍后再试。"}


def test_a_post_during_the_outage_is_refused_and_says_so(browser):
    make_station_site()
    with database_down():
        response = browser.post("/register/", {"name": "李小梅"})
    assert response.status_code == 503
    assert "可能没有保存" in response.content.decode()


def test_any_other_error_is_still_the_plain_500(browser, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    make_station_site()
    monkeypatch.setattr("stations.models.StationIndexPage.get_context", broken)
    response = browser.get("/stations/")
    assert response.status_code == 500
    assert "服务器暂时出错" in response.content.decode()
    assert "Retry-After" not in response
