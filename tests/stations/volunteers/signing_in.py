"""What the volunteer sign-in tests share: a small site, and signing in as a resident would."""

import re
from datetime import datetime

from stations.sms import outbox
from tests.factories.stations import (
    ActivityPageFactory,
    make_activity_site,
    make_registration_form,
)

LOGIN = "/volunteer/login/"
HOME = "/volunteer/"
LOGOUT = "/volunteer/logout/"
MOBILE = "13812345678"

_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def build_site() -> dict:
    """The default site with a station, two activities and the registration form."""
    activities, station, areas = make_activity_site()
    home = activities.get_parent()
    return {
        "home": home,
        "activities": activities,
        "station": station,
        "activity": ActivityPageFactory(parent=activities, station=station, title="社区清洁日"),
        "other_activity": ActivityPageFactory(parent=activities, station=station, title="敬老探访"),
        "form_page": make_registration_form(home),
    }


def ask_for_code(client, mobile=MOBILE, **extra):
    return client.post(LOGIN, {"action": "send", "mobile": mobile}, **extra)


def token_of(response) -> str:
    found = _TOKEN.search(response.content.decode())
    assert found, "no token on the page"
    return found.group(1)


def last_code() -> str:
    assert outbox, "no SMS was sent"
    message = outbox[-1]
    assert message.template == "login_code"
    return message.params["code"]


def enter_code(client, token, code, **extra):
    return client.post(LOGIN, {"action": "verify", "token": token, "code": code}, **extra)


def sign_in(client, mobile=MOBILE, **extra):
    """Ask for a code and enter it: the 303 to the volunteer's page."""
    asked = ask_for_code(client, mobile, **extra)
    assert asked.status_code == 200, asked.content.decode()
    response = enter_code(client, token_of(asked), last_code(), **extra)
    assert response.status_code == 303, response.content.decode()
    return response


def window_start(rule, value, now: datetime) -> datetime:
    """The first moment of the fixed window `now` falls in for `value`, so a test's events all
    fall in one window."""
    from django.utils import timezone

    end = rule.window_end(value, now=now)
    return datetime.fromtimestamp(end - rule.seconds, tz=timezone.get_current_timezone())


def registration_data(form_page, station, mobile) -> dict:
    names = {field.label: field.clean_name for field in form_page.form_fields.all()}
    by_label = {
        "姓名": "李小梅",
        "手机号码": mobile,
        "年龄": "35",
        "政治面貌": "群众",
        "可服务时间": ["周末"],
    }
    data = {names[label]: value for label, value in by_label.items() if label in names}
    return data | {"station": str(station.pk), "consent_privacy": "on", "homepage": ""}
