"""Bad input on the sign-in pages and the volunteer's page: a message in Chinese, and nothing
changed — no code sent, no try used up, no volunteer made, no name stored."""

import re

import pytest
from django.core import signing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import LoginCode, Volunteer
from stations.sms import outbox
from stations.volunteers import account_forms, limits
from tests.stations.volunteers.signing_in import (
    HOME,
    LOGIN,
    MOBILE,
    ask_for_code,
    enter_code,
    last_code,
    sign_in,
    token_of,
)

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
_SUMMARY = re.compile(r'<div class="error-summary".*?</div>|role="alert">[^<]*<', re.S)


@pytest.fixture(autouse=True)
def clean_slate():
    outbox.clear()
    limits.clear_local_counts()
    yield
    outbox.clear()
    limits.clear_local_counts()


def refusal_text(response) -> str:
    """The messages the page shows for what was refused."""
    found = _SUMMARY.findall(response.content.decode())
    assert found, "no message on the page"
    return " ".join(found)


def assert_refused_in_chinese(response, *expected):
    assert response.status_code == 400, response.status_code
    text = refusal_text(response)
    assert CHINESE.search(text), text
    for words in expected:
        assert words in text, (words, text)


# --- the mobile number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写手机号码"),
        ("   ", "请填写手机号码"),
        ("12345", "不是有效的手机号码"),
        ("1381234567", "不是有效的手机号码"),  # ten digits
        ("138123456789", "不是有效的手机号码"),  # twelve
        ("23812345678", "不是有效的手机号码"),
        ("١٣٨١٢٣٤٥٦٧٨", "不是有效的手机号码"),  # Arabic-Indic digits are not read as a number
        ("१३८१२३४५६७८", "不是有效的手机号码"),  # nor Devanagari
        ("138\u200b12345678", "不是有效的手机号码"),  # a zero-width space
        ("138\x0012345678", ""),  # NUL: Django's own refusal, in Chinese
        ("1381234\u202e5678", "不是有效的手机号码"),  # a bidi override
        ("138-1234-5678" * 3, "手机号码太长了"),
        ("<i>13812345678</i>", "不是有效的手机号码"),
    ],
)
def test_an_odd_mobile_number_is_refused_and_nothing_is_sent(client, typed, expected):
    response = ask_for_code(client, typed)
    assert_refused_in_chinese(response, expected)
    assert "<i>" not in response.content.decode()
    assert not LoginCode.objects.exists() and not outbox


@pytest.mark.parametrize(
    "typed",
    ["１３８１２３４５６７８", "+86 138 1234 5678", "0086-138-1234-5678", "（138）12345678"],
)
def test_a_number_written_the_ways_people_write_it_is_the_same_number(client, typed):
    assert ask_for_code(client, typed).status_code == 200
    assert LoginCode.objects.get().mobile == MOBILE and outbox[-1].mobile == MOBILE


# --- the code ---------------------------------------------------------------------------------


@pytest.fixture
def asked(client):
    response = ask_for_code(client)
    assert response.status_code == 200
    return {"token": token_of(response), "code": last_code()}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写短信中的验证码"),
        ("12a456", "没有字母"),
        ("ABCDEF", "没有字母"),
        ("١٢٣٤٥٦", "6 位数字（0–9）"),
        ("12345", "6 位数字"),
        ("1234567", "6 位数字"),
        ("123\x00456", ""),
        ("123\u200b456", "看不见的控制字符"),
        ("123456" * 4, "太长了"),
        ("<b>12</b>", "没有字母"),
        ("12.345", "只能是 6 位数字"),
    ],
)
def test_an_odd_code_is_refused_without_using_a_try(client, asked, typed, expected):
    response = enter_code(client, asked["token"], typed)
    assert_refused_in_chinese(response, expected)
    assert LoginCode.objects.get().attempts == 0
    assert not Volunteer.objects.exists()
    # Still on the code step, with the number it is for.
    assert "138****5678" in response.content.decode()


def test_a_code_with_full_width_digits_counts(client, asked):
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in asked["code"])
    assert enter_code(client, asked["token"], full_width).status_code == 303


def test_a_code_copied_with_spaces_counts(client, asked):
    spaced = f" {asked['code'][:3]} {asked['code'][3:]} "
    assert enter_code(client, asked["token"], spaced).status_code == 303


def test_a_wrong_code_says_how_many_tries_are_left(client, asked):
    wrong = f"{(int(asked['code']) + 1) % 10**6:06d}"
    response = enter_code(client, asked["token"], wrong)
    assert_refused_in_chinese(response, "验证码不正确", "还可以再试 4 次")
    assert LoginCode.objects.get().attempts == 1


@pytest.mark.parametrize("token", ["", "x", "13812345678", "not:a:token"])
def test_a_missing_or_forged_token_starts_again(client, asked, token):
    response = enter_code(client, token, asked["code"])
    assert_refused_in_chinese(response, "这一页已经过期")
    assert 'name="mobile"' in response.content.decode()  # back at the first step
    assert LoginCode.objects.get().attempts == 0 and not Volunteer.objects.exists()


def test_a_token_for_another_number_cannot_be_made_from_one(client, asked):
    # The token is signed: another number in it breaks the signature.
    _value, rest = asked["token"].split(":", 1)
    forged = signing.b64_encode(b'"13900000000"').decode() + ":" + rest
    assert_refused_in_chinese(enter_code(client, forged, asked["code"]), "这一页已经过期")


def test_a_token_older_than_half_an_hour_starts_again(client, asked, monkeypatch):
    monkeypatch.setattr(account_forms, "TOKEN_MAX_AGE", -1)
    assert_refused_in_chinese(enter_code(client, asked["token"], asked["code"]), "已经过期")
    assert not Volunteer.objects.exists()


def test_resending_with_a_bad_token_sends_nothing(client, asked):
    response = client.post(LOGIN, {"action": "resend", "token": "forged"})
    assert_refused_in_chinese(response, "这一页已经过期")
    assert len(outbox) == 1


# --- the name -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写姓名"),
        ("   ", "请填写姓名"),
        ("陈" * 41, "最多 40 个字"),
        ("陈\u202e小明", "看不见的控制字符"),
        ("陈\x07小明", "看不见的控制字符"),
        ("陈\x00小明", ""),
        ("\ufffd", "无法识别的字符"),
    ],
)
def test_an_odd_name_is_refused_and_not_stored(client, typed, expected):
    sign_in(client)
    response = client.post(HOME, {"name": typed})
    assert_refused_in_chinese(response, expected)
    assert Volunteer.objects.get().name == ""


# --- anything at all ------------------------------------------------------------------------------

odd_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["\x00", "\u202e", "\ufeff", "１２３", "٣", "²", "9" * 400, "<i>", "%", "\ufffd"]
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    action=st.sampled_from(["send", "resend", "verify", "", "delete"]),
    mobile=odd_text,
    code=odd_text,
    token=odd_text,
)
def test_whatever_is_posted_the_page_answers_and_changes_nothing_unless_sent(
    client, action, mobile, code, token
):
    before = (LoginCode.objects.count(), Volunteer.objects.count(), len(outbox))
    response = client.post(
        LOGIN, {"action": action, "mobile": mobile, "code": code, "token": token}
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert CHINESE.search(refusal_text(response))
        assert (LoginCode.objects.count(), Volunteer.objects.count(), len(outbox)) == before
    limits.clear_local_counts()
    from django.core.cache import cache

    cache.clear()


def test_other_methods_are_refused(client):
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(LOGIN).status_code == 405
        assert getattr(client, method)(HOME).status_code == 405
