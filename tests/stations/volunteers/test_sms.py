"""The SMS gateway without a network: the templates' texts, what is refused or shortened, the
memory outbox, the console sender, and how the settings choose and configure a sender.
The 阿里云 sender against a local stub server is in test_sms_http.py."""

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from stations import sms
from stations.sms import (
    TEMPLATES,
    ConsoleSender,
    MemorySender,
    Message,
    SmsError,
    get_sender,
    outbox,
    send_message,
    sender_options,
)
from stations.sms.texts import shorten, utf16_length

ROOT = Path(__file__).resolve().parents[3]
MOBILE = "13812345678"
MASKED = "138****5678"
CODE = "493817"
CJK = re.compile(r"[\u4e00-\u9fff]")
SMS_LOGGER = "stations.sms"


@pytest.fixture
def notifications_on(settings):
    settings.SMS_NOTIFICATIONS = True


@pytest.fixture
def sms_log(caplog):
    caplog.set_level(logging.DEBUG, logger=SMS_LOGGER)
    return caplog


# --- the templates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "params", "text"),
    [
        (
            "login_code",
            {"code": CODE, "minutes": "5"},
            f"您的登录验证码为{CODE}，5分钟内有效。请勿告诉他人。",
        ),
        (
            "signup_confirmed",
            {"activity": "长者探访", "starts": "6月1日 09:00"},
            "您已报名“长者探访”，活动时间6月1日 09:00。如需取消，请登录“我的志愿服务”。",
        ),
        (
            "signup_waitlisted",
            {"activity": "长者探访", "position": "3"},
            "“长者探访”名额已满，您在候补名单第3位，递补成功后将短信通知您。",
        ),
        (
            "waitlist_promoted",
            {"activity": "长者探访", "starts": "6月1日 09:00"},
            "您已由候补转为正式报名“长者探访”，活动时间6月1日 09:00。"
            "如不能参加，请登录“我的志愿服务”取消。",
        ),
        (
            "registration_received",
            {"station": "龙口西社区志愿服务站"},
            "您在“龙口西社区志愿服务站”的志愿者注册已收到，站点将尽快与您联系。",
        ),
    ],
)
def test_each_template_is_rendered_in_chinese_into_the_outbox(
    notifications_on, template, params, text
):
    send_message(MOBILE, template, params)

    assert outbox == [Message(MOBILE, template, params, text)]


def test_every_template_text_uses_exactly_its_parameters():
    for template in TEMPLATES.values():
        placeholders = set(re.findall(r"%\((\w+)\)s", str(template.text)))
        assert placeholders == set(template.params), template.name
        assert set(template.params_for_provider(dict.fromkeys(template.params, "x"))) <= set(
            template.params
        )


def test_numbers_may_be_given_as_ints(notifications_on):
    send_message(MOBILE, "login_code", {"code": CODE, "minutes": 5})
    send_message(MOBILE, "signup_waitlisted", {"activity": "长者探访", "position": 12})

    assert [m.params for m in outbox] == [
        {"code": CODE, "minutes": "5"},
        {"activity": "长者探访", "position": "12"},
    ]


def test_the_memory_outbox_keeps_messages_in_order_until_cleared():
    send_message(MOBILE, "login_code", {"code": "111111", "minutes": "5"})
    send_message("15900000000", "login_code", {"code": "222222", "minutes": "5"})

    assert [(m.mobile, m.params["code"]) for m in outbox] == [
        (MOBILE, "111111"),
        ("15900000000", "222222"),
    ]
    assert outbox is sms.outbox  # one list, wherever it is imported from
    outbox.clear()
    assert sms.outbox == []


# --- confirmations only when switched on -------------------------------------------------------


def test_confirmations_are_not_sent_while_notifications_are_off(settings, sms_log):
    settings.SMS_NOTIFICATIONS = False

    send_message(MOBILE, "signup_confirmed", {"activity": "长者探访", "starts": "6月1日"})
    send_message(MOBILE, "login_code", {"code": CODE, "minutes": "5"})

    assert [m.template for m in outbox] == ["login_code"]
    assert "SMS_NOTIFICATIONS is off" in sms_log.text


def test_a_confirmation_with_bad_params_is_refused_even_while_notifications_are_off(settings):
    settings.SMS_NOTIFICATIONS = False

    with pytest.raises(SmsError):
        send_message(MOBILE, "signup_confirmed", {"activity": "长者探访"})


# --- shortening ---------------------------------------------------------------------------------


def sent_activity(activity: str) -> str:
    send_message(MOBILE, "signup_waitlisted", {"activity": activity, "position": "1"})
    return outbox[-1].params["activity"]


def test_a_long_text_param_is_shortened_to_20_with_an_ellipsis(notifications_on):
    title = "社区长者关爱探访活动第三期重阳节敬老特别场次"  # 22 characters

    sent = sent_activity(title)

    assert sent == title[:19] + "…"
    assert sent in outbox[-1].text


def test_a_param_of_exactly_20_is_kept_whole(notifications_on):
    title = "社区长者关爱探访活动第三期重阳节敬老特别"  # 20

    assert sent_activity(title) == title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # 𠮷 (outside the BMP) counts two: after 18 it leaves no room for the ellipsis, after
        # 17 it fits whole.
        ("一二三四五六七八九十一二三四五六七八𠮷之后", "一二三四五六七八九十一二三四五六七八…"),
        ("一二三四五六七八九十一二三四五六七𠮷之后", "一二三四五六七八九十一二三四五六七𠮷…"),
        # e + combining acute at the cut: both go, never the letter without its accent.
        (
            "一二三四五六七八九十一二三四五六七八e\u0301之后",
            "一二三四五六七八九十一二三四五六七八…",
        ),
        (
            "一二三四五六七八九十一二三四五六七e\u0301\u0301之后",
            "一二三四五六七八九十一二三四五六七…",
        ),
        # A thumbs-up with its skin tone is one picture (each half counts two).
        (
            "一二三四五六七八九十一二三四五六七\U0001f44d\U0001f3fd",
            "一二三四五六七八九十一二三四五六七…",
        ),
        # A flag is two regional indicators: never half of one.
        (
            "一二三四五六七八九十一二三四五六七\U0001f1e8\U0001f1f3后",
            "一二三四五六七八九十一二三四五六七…",
        ),
    ],
)
def test_shortening_never_splits_a_character(title, expected):
    shortened = shorten(title)

    assert shortened == expected
    assert utf16_length(shortened) <= 20
    shortened.encode("utf-8")  # no lone surrogate


def test_whitespace_is_collapsed_and_signature_brackets_cannot_be_faked(notifications_on):
    sent = sent_activity("  【公安局】  通知 ")

    assert sent == "「公安局」 通知"
    assert "【" not in outbox[-1].text


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mobile",
    [
        "1381234567",
        "138123456789",
        "12812345678",
        "+8613812345678",
        "138 1234 5678",
        " 13812345678",
        "13812345678\n",
        "１３８１２３４５６７８",  # full width: the caller normalises, the gateway refuses
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "",
        13812345678,
        None,
    ],
)
def test_an_odd_mobile_is_refused_and_nothing_is_sent(mobile, sms_log):
    with pytest.raises(SmsError) as refused:
        send_message(mobile, "login_code", {"code": CODE, "minutes": "5"})

    assert refused.value.reason == "invalid"
    assert CJK.search(str(refused.value))
    assert outbox == []
    assert CODE not in sms_log.text
    if isinstance(mobile, str) and len(mobile) > 4:
        assert mobile.strip() not in sms_log.text


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("login_code", {"code": "12345", "minutes": "5", "extra": "x"}),
        ("login_code", {"code": CODE}),
        ("login_code", {"code": "123", "minutes": "5"}),
        ("login_code", {"code": "1234567", "minutes": "5"}),
        ("login_code", {"code": "12 456", "minutes": "5"}),
        ("login_code", {"code": "１２３４５６", "minutes": "5"}),
        ("login_code", {"code": 123456, "minutes": "5"}),  # an int would lose leading zeros
        ("login_code", {"code": CODE, "minutes": "五"}),
        ("login_code", {"code": CODE, "minutes": True}),
        ("login_code", {"code": CODE, "minutes": "-5"}),
        ("login_code", [("code", CODE), ("minutes", "5")]),
        ("signup_confirmed", {"activity": "长者\x00探访", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": "长者探访\n转发", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": "\u202e访探者长", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": "长者\u200b探访", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": "长者\ufffd探访", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": "   ", "starts": "6月1日"}),
        ("signup_confirmed", {"activity": None, "starts": "6月1日"}),
        ("no_such_template", {}),
        (None, {}),
    ],
)
def test_odd_params_or_templates_are_refused_and_nothing_is_sent(
    notifications_on, template, params, sms_log
):
    with pytest.raises(SmsError) as refused:
        send_message(MOBILE, template, params)

    assert refused.value.reason == "invalid"
    assert CJK.search(str(refused.value))
    assert outbox == []
    assert MASKED in sms_log.text and MOBILE not in sms_log.text
    assert "refused" in sms_log.text


def test_a_refused_code_is_not_written_to_the_log(sms_log):
    with pytest.raises(SmsError):
        send_message(MOBILE, "login_code", {"code": "98765432", "minutes": "5"})

    assert "98765432" not in sms_log.text
    assert "parameter code is not 4-6 ASCII letters or digits" in sms_log.text


# --- the console sender -------------------------------------------------------------------------


def test_the_console_sender_writes_the_text_with_the_code(settings, capsys):
    settings.SMS_SENDER = "stations.sms.ConsoleSender"
    settings.DEBUG = True

    send_message(MOBILE, "login_code", {"code": CODE, "minutes": "5"})

    out = capsys.readouterr().out
    assert f"您的登录验证码为{CODE}，5分钟内有效" in out
    assert f"SMS login_code to {MASKED}" in out
    assert MOBILE not in out
    assert outbox == []


def test_the_console_sender_warns_without_the_code_when_debug_is_off(settings, sms_log):
    settings.DEBUG = False
    stream = io.StringIO()

    ConsoleSender(stream=stream).send(Message(MOBILE, "login_code", {"code": CODE}, f"码{CODE}"))

    assert CODE in stream.getvalue()
    warnings = [r for r in sms_log.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "set SMS_SENDER for production" in warnings[0].getMessage()
    assert MASKED in warnings[0].getMessage()
    assert CODE not in sms_log.text


def test_the_console_sender_does_not_warn_in_development(settings, sms_log):
    settings.DEBUG = True

    ConsoleSender(stream=io.StringIO()).send(Message(MOBILE, "login_code", {}, "x"))

    assert not [r for r in sms_log.records if r.levelno >= logging.WARNING]


# --- settings -----------------------------------------------------------------------------------


def test_the_test_settings_use_the_memory_sender():
    assert isinstance(get_sender(), MemorySender)


def test_get_sender_follows_the_setting(settings):
    settings.SMS_SENDER = "stations.sms.ConsoleSender"

    assert isinstance(get_sender(), ConsoleSender)


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("stations.sms.NoSuchSender", "cannot be imported"),
        ("no_such_module.Sender", "cannot be imported"),
        ("stations.sms.send_message", "is not an SMS sender class"),
        ("django.core.mail.backends.console.EmailBackend", "is not an SMS sender class"),
    ],
)
def test_a_wrong_sender_path_stops_the_start(path, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        sender_options(path, {}, notifications=False)


def test_the_local_senders_need_and_take_no_options():
    for path in ("stations.sms.ConsoleSender", "stations.sms.MemorySender"):
        assert sender_options(path, {"SMS_ALIYUN_SIGN_NAME": "x"}, notifications=True) == {}
    with pytest.raises(ImproperlyConfigured, match="takes no options"):
        MemorySender(timeout=5)


def settings_in_a_fresh_process(**env):
    """The SMS settings portal.settings.base computes for these variables (and nothing else
    SMS_* from this shell), as a fresh start would."""
    code = (
        "from portal.settings import base as s;"
        "print(s.SMS_SENDER); print(s.SMS_NOTIFICATIONS);"
        "print(sorted(s.SMS_SENDER_OPTIONS)); print(s.SMS_SENDER_OPTIONS.get('timeout'))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SMS_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_base_settings_default_to_the_console_sender_with_notifications_off():
    result = settings_in_a_fresh_process()

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [
        "stations.sms.ConsoleSender",
        "False",
        "[]",
        "None",
    ]


def test_the_aliyun_sender_without_its_variables_stops_the_start_naming_them():
    result = settings_in_a_fresh_process(
        SMS_SENDER="stations.sms.AliyunSender",
        SMS_ALIYUN_ACCESS_KEY_ID="LTAI-test",
        SMS_ALIYUN_SIGN_NAME="社区志愿服务门户",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert (
        "SMS_ALIYUN_ACCESS_KEY_SECRET, SMS_ALIYUN_TEMPLATE_LOGIN_CODE must be set too"
        in result.stderr
    )


def test_the_aliyun_sender_with_its_variables_starts():
    result = settings_in_a_fresh_process(
        SMS_SENDER="stations.sms.AliyunSender",
        SMS_NOTIFICATIONS="true",
        SMS_ALIYUN_ACCESS_KEY_ID="LTAI-test",
        SMS_ALIYUN_ACCESS_KEY_SECRET="not-a-real-secret",
        SMS_ALIYUN_SIGN_NAME="社区志愿服务门户",
        SMS_ALIYUN_TEMPLATE_LOGIN_CODE="SMS_100000001",
        SMS_ALIYUN_TEMPLATE_SIGNUP_CONFIRMED="SMS_100000002",
        SMS_ALIYUN_TEMPLATE_SIGNUP_WAITLISTED="SMS_100000003",
        SMS_ALIYUN_TEMPLATE_WAITLIST_PROMOTED="SMS_100000004",
        SMS_ALIYUN_TEMPLATE_REGISTRATION_RECEIVED="SMS_100000005",
        SMS_TIMEOUT="2.5",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[:2] == ["stations.sms.AliyunSender", "True"]
    assert lines[2] == str(
        sorted(
            ["access_key_id", "access_key_secret", "sign_name", "templates", "endpoint", "timeout"]
        )
    )
    assert lines[3] == "2.5"


def test_env_example_and_readme_list_every_sms_variable():
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [
        "SMS_SENDER",
        "SMS_NOTIFICATIONS",
        "SMS_ALIYUN_ACCESS_KEY_ID",
        "SMS_ALIYUN_ACCESS_KEY_SECRET",
        "SMS_ALIYUN_SIGN_NAME",
        "SMS_ALIYUN_ENDPOINT",
        "SMS_TIMEOUT",
    ]
    templates = [f"SMS_ALIYUN_TEMPLATE_{name.upper()}" for name in TEMPLATES]
    for name in names + templates:
        assert f"\n# {name}=" in env_example, name
    for name in names + templates[:1]:
        assert f"`{name}`" in readme, name
    for name in templates[1:]:
        assert f"`…{name.removeprefix('SMS_ALIYUN_TEMPLATE')}`" in readme or f"`{name}`" in readme
