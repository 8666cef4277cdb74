"""Sign-in codes: stored hashed, 5 minutes, 5 tries, one use, the latest only; the limits per
number and per address with their figures; the same answer for every number; lifting a lock;
Redis going away."""

import logging
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal import redis_connection
from portal.settings.base import redis_cache
from stations.models import LoginCode, Volunteer
from stations.sms import SmsError, outbox
from stations.volunteers import codes, limits
from tests.queries import captured_queries
from tests.stations.volunteers.signing_in import (
    HOME,
    LOGIN,
    MOBILE,
    ask_for_code,
    enter_code,
    last_code,
    sign_in,
    token_of,
    window_start,
)

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def clean_slate():
    outbox.clear()
    limits.clear_local_counts()
    limits._last_warning[0] = 0.0
    yield
    outbox.clear()
    limits.clear_local_counts()


@pytest.fixture
def t0():
    """The start of MOBILE's hourly window, so a test's events fall in one window."""
    return window_start(codes.SENDS_PER_NUMBER, MOBILE, timezone.now())


def ask(mobile=MOBILE, *, at, ip=IP):
    return codes.request_code(mobile=mobile, ip=ip, now=at)


def check(code, mobile=MOBILE, *, at, ip=IP):
    return codes.verify_code(mobile=mobile, code=code, ip=ip, now=at)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refusal(call) -> codes.CodeRefused:
    with pytest.raises(codes.CodeRefused) as caught:
        call()
    return caught.value


# --- one code -----------------------------------------------------------------------------------


def test_a_code_is_six_digits_sent_by_sms_and_stored_only_as_a_keyed_hash(t0):
    row = ask(at=t0)
    code = last_code()
    assert re.fullmatch(r"[0-9]{6}", code)
    assert outbox[-1].mobile == MOBILE and outbox[-1].params["minutes"] == "5"
    assert code in outbox[-1].text
    stored = LoginCode.objects.get(pk=row.pk)
    assert code not in (stored.code_hash, stored.salt)
    assert len(stored.code_hash) == 64 and stored.ip == IP
    assert stored.expires_at == t0 + timedelta(minutes=5)
    # Keyed: the same code, number and salt under another SECRET_KEY hash differently.
    assert stored.code_hash == codes.code_hash(mobile=MOBILE, code=code, salt=stored.salt)


def test_a_code_hashed_under_another_key_does_not_match(t0, settings):
    row = ask(at=t0)
    settings.SECRET_KEY = "another-key"
    assert codes.code_hash(mobile=MOBILE, code=last_code(), salt=row.salt) != row.code_hash


def test_a_code_holds_for_five_minutes(t0):
    ask(at=t0)
    code = last_code()
    late = refusal(lambda: check(code, at=t0 + timedelta(minutes=5)))
    assert late.reason == "expired" and "已过期" in late.message
    ask(at=t0 + timedelta(minutes=6))
    assert check(last_code(), at=t0 + timedelta(minutes=10, seconds=59)).used_at is not None


def test_five_wrong_tries_end_a_code_and_the_fifth_try_may_still_be_right(t0):
    ask(at=t0)
    code = last_code()
    for left in (4, 3, 2, 1):
        refused = refusal(lambda: check(wrong(code), at=t0))
        assert refused.reason == "wrong" and f"还可以再试 {left} 次" in refused.message
    assert check(code, at=t0).attempts == 5  # the fifth try, right

    ask(at=t0 + timedelta(minutes=2))
    code = last_code()
    for _try in range(4):
        refusal(lambda: check(wrong(code), at=t0 + timedelta(minutes=2)))
    fifth = refusal(lambda: check(wrong(code), at=t0 + timedelta(minutes=2)))
    assert fifth.reason == "tried" and "输错 5 次" in fifth.message
    after = refusal(lambda: check(code, at=t0 + timedelta(minutes=2)))
    assert after.reason == "tried"
    assert LoginCode.objects.order_by("-pk").first().used_at is None


def test_a_code_is_used_once(t0):
    ask(at=t0)
    code = last_code()
    check(code, at=t0)
    replay = refusal(lambda: check(code, at=t0 + timedelta(seconds=5)))
    assert replay.reason == "used" and "已经使用过" in replay.message


def test_a_new_code_replaces_the_old_one(t0):
    first = ask(at=t0)
    old = last_code()
    ask(at=t0 + timedelta(seconds=61))
    new = last_code()
    assert LoginCode.objects.get(pk=first.pk).superseded_at == t0 + timedelta(seconds=61)
    if old != new:  # one in a million they are the same
        stale = refusal(lambda: check(old, at=t0 + timedelta(seconds=62)))
        assert stale.reason == "wrong" and "最近一次收到的验证码" in stale.message
    assert check(new, at=t0 + timedelta(seconds=63)).used_at is not None


def test_no_code_asked_for_is_no_code_to_check(t0):
    assert refusal(lambda: check("123456", at=t0)).reason == "none"


def test_the_gateway_failing_stores_nothing_and_frees_the_minute(t0, monkeypatch):
    def down(*args, **kwargs):
        raise SmsError("短信服务暂时无法使用，请稍后再试。", reason="unavailable")

    monkeypatch.setattr(codes, "send_message", down)
    failed = refusal(lambda: ask(at=t0))
    assert failed.reason == "sms" and failed.message == "短信服务暂时无法使用，请稍后再试。"
    assert not LoginCode.objects.exists()
    monkeypatch.undo()
    ask(at=t0 + timedelta(seconds=1))
    assert len(outbox) == 1


def test_the_page_says_so_when_the_gateway_fails(client, monkeypatch):
    def down(*args, **kwargs):
        raise SmsError("短信服务暂时无法使用，请稍后再试。", reason="unavailable")

    monkeypatch.setattr(codes, "send_message", down)
    response = ask_for_code(client)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "短信服务暂时无法使用" in response.content.decode()
    assert not LoginCode.objects.exists()


# --- limits ---------------------------------------------------------------------------------------


def test_one_code_a_minute_per_number(t0):
    ask(at=t0)
    soon = refusal(lambda: ask(at=t0 + timedelta(seconds=30)))
    assert soon.reason == "wait" and soon.wait == 30
    assert "请 30 秒后再重新获取" in soon.message
    assert LoginCode.objects.count() == 1 and len(outbox) == 1
    ask(at=t0 + timedelta(seconds=60))
    assert len(outbox) == 2


def test_five_codes_an_hour_per_number(t0):
    for n in range(5):
        ask(at=t0 + timedelta(seconds=61 * n))
    sixth = refusal(lambda: ask(at=t0 + timedelta(seconds=61 * 5)))
    assert sixth.reason == "wait"
    # Until the window's end: an hour after it began, less the five minutes gone.
    assert sixth.wait == 3600 - 61 * 5
    assert "获取验证码的次数过多，请 55 分钟后再试" in sixth.message
    assert LoginCode.objects.count() == 5 and len(outbox) == 5
    ask(at=t0 + timedelta(hours=1))
    assert len(outbox) == 6


def test_twenty_codes_an_hour_per_address_and_other_addresses_go_on(t0):
    start = window_start(codes.SENDS_PER_IP, IP, t0)
    for n in range(20):
        ask(f"1390000{n:04d}", at=start)
    refused = refusal(lambda: ask("13900009999", at=start))
    assert refused.reason == "wait" and refused.wait == 3600
    assert len(outbox) == 20
    ask("13900009999", at=start, ip="198.51.100.1")
    assert len(outbox) == 21


def test_ten_wrong_codes_an_hour_lock_the_number(t0):
    at = t0
    for _code in range(2):
        ask(at=at)
        for _try in range(5):
            refusal(lambda at=at: check(wrong(last_code()), at=at))
        at += timedelta(seconds=61)
    # The eleventh guess is not even compared, and no new code is sent meanwhile.
    ask_refused = refusal(lambda: ask(at=at))
    assert ask_refused.reason == "wait" and "输错次数过多" in ask_refused.message
    ask_refused_elsewhere = refusal(lambda: ask(at=at, ip="198.51.100.1"))
    assert ask_refused_elsewhere.reason == "wait"
    assert len(outbox) == 2
    tries = LoginCode.objects.order_by("-pk").first().attempts
    locked = refusal(lambda: check("000000", at=at))
    assert locked.reason == "wait" and locked.wait == 3600 - 61 * 2
    assert LoginCode.objects.order_by("-pk").first().attempts == tries


def test_thirty_wrong_codes_an_hour_lock_the_address(t0):
    start = window_start(codes.WRONG_PER_IP, IP, t0)
    for n in range(6):
        mobile = f"1390000{n:04d}"
        ask(mobile, at=start)
        for _try in range(5):
            refusal(lambda mobile=mobile: check(wrong(last_code()), mobile, at=start))
    # No more codes for this address either; one asked for elsewhere is not checked from here.
    assert refusal(lambda: ask("13900009999", at=start)).reason == "wait"
    ask("13900009999", at=start, ip="198.51.100.1")
    locked = refusal(lambda: check(last_code(), "13900009999", at=start))
    assert locked.reason == "wait" and locked.wait == 3600
    assert "输错次数过多，请 60 分钟后再试" in locked.message
    assert check(last_code(), "13900009999", at=start, ip="198.51.100.1").used_at


def test_the_page_refuses_with_how_long_to_wait_and_sends_nothing(client):
    first = ask_for_code(client)
    assert first.status_code == 200
    again = ask_for_code(client)
    assert again.status_code == 429
    page = again.content.decode()
    assert re.search(r"验证码刚刚发送过，请 [0-9]+ 秒后再重新获取", page)
    assert len(outbox) == 1 and LoginCode.objects.count() == 1

    resent = client.post(LOGIN, {"action": "resend", "token": token_of(first)})
    assert resent.status_code == 429 and "秒后再重新获取" in resent.content.decode()
    assert len(outbox) == 1


def test_resending_after_the_minute_replaces_the_code(client, monkeypatch):
    asked = ask_for_code(client)
    first = last_code()
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    resent = client.post(LOGIN, {"action": "resend", "token": token_of(asked)})
    assert resent.status_code == 200
    assert "新的验证码已发送到 138****5678" in resent.content.decode()
    assert len(outbox) == 2
    if first != last_code():
        assert enter_code(client, token_of(resent), first).status_code == 400
    assert enter_code(client, token_of(resent), last_code()).status_code == 303


def test_an_expired_code_on_the_page(client, monkeypatch):
    asked = ask_for_code(client)
    later = timezone.now() + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = enter_code(client, token_of(asked), last_code())
    assert response.status_code == 400
    assert "验证码已过期（有效 5 分钟），请重新获取" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_replayed_code_on_the_page(client):
    asked = ask_for_code(client)
    code, token = last_code(), token_of(asked)
    assert enter_code(client, token, code).status_code == 303
    other = type(client)()
    replay = enter_code(other, token, code)
    assert replay.status_code == 400 and "已经使用过" in replay.content.decode()
    assert other.get(HOME).status_code == 302


# --- enumeration --------------------------------------------------------------------------------

_CHANGING = re.compile(r'name="(?:csrfmiddlewaretoken|token)" value="[^"]*"')


def _answer(client, mobile):
    client.get(LOGIN)  # what a first request of a process loads (the site, its menu) aside
    with captured_queries() as queries:
        response = ask_for_code(client, mobile)
    # What differs is what was typed (the form shows it back), the CSRF and the signed token.
    body = _CHANGING.sub("", response.content.decode()).replace(mobile, "<typed>")
    return response.status_code, body, len(queries)


def test_known_and_unknown_numbers_get_the_same_answer(client, t0, monkeypatch):
    # A frozen clock: the wait the second answers name ("60 秒") must not tick between them.
    monkeypatch.setattr(timezone, "now", lambda: t0)
    known, unknown = "13812340000", "13899990000"  # both 138****0000
    Volunteer.objects.create(number="V0000000000", mobile=known, name="陈小明")
    assert _answer(client, known) == _answer(client, unknown)
    assert len(outbox) == 2  # both got a code: the difference is made only on verifying
    # Asked again at once, both are held back alike.
    assert _answer(client, known) == _answer(client, unknown)
    assert _answer(client, known)[0] == 429


# --- lifting a lock -------------------------------------------------------------------------------


def test_volunteer_unlock_lifts_a_numbers_lock(t0, capsys, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: t0)
    ask(at=t0)
    code = last_code()
    for _try in range(5):
        refusal(lambda: check(wrong(code), at=t0))
    assert refusal(lambda: ask(at=t0)).reason == "wait"
    call_command("volunteer_unlock", mobile="138 1234 5678")
    out = capsys.readouterr().out
    assert "138****5678 code-gap: held for" in out and "Unlocked 138****5678." in out
    assert re.search(r"code sent .* from 203\.0\.113\.7: 5 tries, tried out", out)
    ask(at=t0 + timedelta(seconds=1))
    assert len(outbox) == 2


def test_volunteer_unlock_lifts_an_addresss_lock(t0, capsys, monkeypatch):
    start = window_start(codes.SENDS_PER_IP, IP, t0)
    monkeypatch.setattr(timezone, "now", lambda: start)
    for n in range(20):
        ask(f"1390000{n:04d}", at=start)
    assert refusal(lambda: ask("13900009999", at=start)).reason == "wait"
    call_command("volunteer_unlock", ip=IP)
    assert "203.0.113.7 code-ip: held for 3600 s more" in capsys.readouterr().out
    ask("13900009999", at=start)
    assert len(outbox) == 21


def test_volunteer_unlock_refuses_what_is_not_a_number_or_an_address(capsys):
    with pytest.raises(CommandError):
        call_command("volunteer_unlock", mobile="12345")
    with pytest.raises(CommandError):
        call_command("volunteer_unlock", ip="not-an-ip")
    with pytest.raises(CommandError):
        call_command("volunteer_unlock")
    call_command("volunteer_unlock", ip="2001:db8::1")
    assert "2001:db8:: " in capsys.readouterr().out  # an IPv6 address counts by its /64


# --- Redis going away -----------------------------------------------------------------------------


@pytest.fixture
def own_redis(settings):
    from tests.portal.test_cache_outage import REDIS_SERVER, OwnRedis

    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    settings.CACHES = {"default": redis_cache(server.url)}
    redis_connection.resume_all()
    yield server
    server.stop()
    redis_connection.resume_all()


def test_signing_in_works_and_is_limited_in_process_when_redis_stops(client, own_redis, caplog):
    assert ask_for_code(client, "13900000001").status_code == 200
    stored = own_redis.keys()
    assert any("volunteers:limit" in key for key in stored)  # counted on Redis

    own_redis.stop()
    with caplog.at_level(logging.WARNING):
        sign_in(client)
        assert client.get(HOME).status_code == 200
        # The limit still holds, counted in this process.
        assert ask_for_code(client).status_code == 429
    assert any("counting in-process" in record.message for record in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
