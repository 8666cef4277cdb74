"""The 阿里云 SMS sender: its signature against Aliyun's published examples, and whole sends
against a local stub of SendSms that checks every parameter and recomputes the signature with
the secret (its own implementation, from Aliyun's recipe), then answers OK, an error Code, a
500 or nothing in time."""

import base64
import hashlib
import hmac
import json
import logging
import re
import socket
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus

import pytest
from django.core.exceptions import ImproperlyConfigured

from stations.sms import AliyunSender, Message, SmsError, send_message
from stations.sms.aliyun import (
    canonical_query,
    percent_encode,
    rpc_signature,
    string_to_sign,
    utc_timestamp,
)

KEY_ID = "LTAI-stub-key"
SECRET = "stub-secret-不要外传"
SIGN_NAME = "社区志愿服务门户"
TEMPLATE_CODES = {
    "login_code": "SMS_100000001",
    "signup_confirmed": "SMS_100000002",
}
MOBILE = "13812345678"
MASKED = "138****5678"
CODE = "493817"
CJK = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT = 0.2
EXPECTED_PARAMS = {
    "AccessKeyId",
    "Action",
    "Format",
    "PhoneNumbers",
    "SignName",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "TemplateCode",
    "TemplateParam",
    "Timestamp",
    "Version",
    "Signature",
}


# --- the signature, by Aliyun's own examples ------------------------------------------------


# The SendSms example of Aliyun's "HTTP协议及签名" page (help.aliyun.com/document_detail/56189,
# /101343): these parameters, AccessKeySecret testSecret, GET.
DOC_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
DOC_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
    "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
    "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
    "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
    "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
    "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
    "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
)


def test_the_signature_of_aliyuns_published_sendsms_example():
    assert string_to_sign(DOC_PARAMS, "GET") == DOC_STRING_TO_SIGN
    assert rpc_signature(DOC_PARAMS, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    # Signature itself is never signed.
    signed = DOC_PARAMS | {"Signature": "zJDF+Lrzhj/ThnlvIToysFRq6t4="}
    assert rpc_signature(signed, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_signature_of_aliyuns_published_rpc_example():
    # The DescribeRegions example of Aliyun's RPC signing page (AccessKeySecret testsecret).
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a%20b"),
        ("*", "%2A"),
        ("~-_.", "~-_."),
        ("+/=&:", "%2B%2F%3D%26%3A"),
        ('{"code":"1"}', "%7B%22code%22%3A%221%22%7D"),
        ("派", "%E6%B4%BE"),
        ("𠮷", "%F0%A0%AE%B7"),
    ],
)
def test_percent_encoding_follows_aliyuns_rules(raw, encoded):
    assert percent_encode(raw) == encoded


def test_canonical_query_sorts_by_name_and_leaves_out_the_signature():
    assert canonical_query({"b": "2", "Signature": "x", "a": "1 2", "B": "3"}) == "B=3&a=1%202&b=2"


def test_a_request_with_a_fixed_nonce_and_timestamp():
    sender = AliyunSender(
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        sign_name=SIGN_NAME,
        templates=TEMPLATE_CODES,
    )
    message = Message(MOBILE, "login_code", {"code": CODE, "minutes": "5"}, "…")
    nonce, timestamp = "0123456789abcdef0123456789abcdef", "2026-03-05T01:02:03Z"

    body = sender.signed_body(message, nonce=nonce, timestamp=timestamp).decode("ascii")

    params = dict(parse_qsl(body, strict_parsing=True))
    assert params == {
        "AccessKeyId": KEY_ID,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": MOBILE,
        "SignName": SIGN_NAME,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        # 阿里云 验证码 templates take one variable: the validity is in the template's text.
        "TemplateCode": "SMS_100000001",
        "TemplateParam": '{"code":"493817"}',
        "Timestamp": timestamp,
        "Version": "2017-05-25",
        "Signature": reference_signature(params, SECRET, "POST"),
    }
    assert "+" not in body  # spaces and pluses are %20 / %2B, as Aliyun decodes them


def test_utc_timestamp_is_iso_8601_in_utc():
    from zoneinfo import ZoneInfo

    shanghai = datetime(2026, 3, 5, 9, 2, 3, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert utc_timestamp(shanghai) == "2026-03-05T01:02:03Z"


# --- the stub server ----------------------------------------------------------------------------


def reference_encode(value: str) -> str:
    """Aliyun's documented recipe (Java's URLEncoder, then + → %20, * → %2A, %7E → ~), written
    apart from the sender's percent_encode so that a bug there cannot hide here."""
    return (
        quote_plus(value, encoding="utf-8")
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~")
    )


def reference_signature(params: dict, secret: str, method: str) -> str:
    query = "&".join(
        reference_encode(k) + "=" + reference_encode(v)
        for k, v in sorted(params.items())
        if k != "Signature"
    )
    to_sign = method + "&" + reference_encode("/") + "&" + reference_encode(query)
    mac = hmac.new((secret + "&").encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


class StubSendSms:
    """A local SendSms: checks a request as Aliyun would, records it, answers per `mode`."""

    def __init__(self):
        self.mode = "ok"
        self.requests: list[dict] = []
        self.problems: list[str] = []
        self.nonces: set[str] = set()
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stub.answer(self, body)

            def do_GET(self):  # noqa: N802
                stub.answer(self, b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def reset(self, mode="ok"):
        self.mode, self.requests, self.problems = mode, [], []
        self.release.clear()

    def check(self, handler, body: bytes) -> list[str]:
        problems = []
        if handler.path != "/":
            problems.append(f"parameters in the URL: {handler.path}")
        if not handler.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            problems.append("not a form body")
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        params = dict(pairs)
        self.requests.append(params)
        if len(pairs) != len(params):
            problems.append("a parameter given twice")
        if set(params) != EXPECTED_PARAMS:
            problems.append(f"parameters {sorted(set(params) ^ EXPECTED_PARAMS)}")
            return problems
        fixed = {
            "AccessKeyId": KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "SignName": SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "Version": "2017-05-25",
        }
        problems += [f"{k}={params[k]!r}" for k, v in fixed.items() if params[k] != v]
        if not re.fullmatch(r"1[3-9][0-9]{9}", params["PhoneNumbers"]):
            problems.append("PhoneNumbers")
        if params["TemplateCode"] not in TEMPLATE_CODES.values():
            problems.append("TemplateCode")
        template_param = json.loads(params["TemplateParam"])
        if not isinstance(template_param, dict) or not all(
            isinstance(v, str) for v in template_param.values()
        ):
            problems.append("TemplateParam is not an object of strings")
        if len(params["SignatureNonce"]) < 16 or params["SignatureNonce"] in self.nonces:
            problems.append("SignatureNonce missing or replayed")
        self.nonces.add(params["SignatureNonce"])
        sent_at = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs((datetime.now(UTC) - sent_at).total_seconds()) > 300:
            problems.append("Timestamp more than 5 minutes off")
        expected = reference_signature(params, SECRET, handler.command)
        if not hmac.compare_digest(expected, params["Signature"]):
            problems.append("SignatureDoesNotMatch")
        return problems

    def answer(self, handler, body: bytes):
        try:
            problems = self.check(handler, body)
        except (ValueError, KeyError) as error:
            problems = [f"unreadable request: {error!r}"]
        self.problems += problems
        if problems:
            code = "SignatureDoesNotMatch" if "SignatureDoesNotMatch" in problems else "Invalid"
            return self.reply(handler, 400, {"Code": code, "Message": "; ".join(problems)})
        request_id = "F655A8D5-B967-440B-8683-DAD6FF8DE990"
        if self.mode == "ok":
            return self.reply(
                handler,
                200,
                {
                    "Code": "OK",
                    "Message": "OK",
                    "BizId": "900619746936498440^0",
                    "RequestId": request_id,
                },
            )
        if self.mode == "rate_limited":
            return self.reply(
                handler,
                200,
                {
                    "Code": "isv.BUSINESS_LIMIT_CONTROL",
                    "Message": "触发号码天级流控Permits:10",
                    "RequestId": request_id,
                },
            )
        if self.mode == "echo":  # an error quoting what was sent
            sent = json.loads(self.requests[-1]["TemplateParam"])
            return self.reply(
                handler,
                200,
                {
                    "Code": "isv.INVALID_PARAMETERS",
                    "Message": f"参数异常 {sent} {self.requests[-1]['PhoneNumbers']}",
                    "RequestId": request_id,
                },
            )
        if self.mode == "http500":
            handler.send_response(500)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            handler.wfile.write(b"<html>Internal Server Error</html>")
            return None
        if self.mode == "slow":
            self.release.wait(5)  # the test sets it once the sender has given up
            return self.reply(handler, 200, {"Code": "OK", "RequestId": request_id})
        raise AssertionError(self.mode)

    def reply(self, handler, status: int, payload: dict):
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the time-out test's sender has already given up and closed

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def stub_server():
    stub = StubSendSms()
    yield stub
    stub.stop()


@pytest.fixture
def stub(stub_server, settings):
    """The stub, reset, with the settings pointing the 阿里云 sender at it."""
    stub_server.reset()
    settings.SMS_SENDER = "stations.sms.AliyunSender"
    settings.SMS_SENDER_OPTIONS = {
        "access_key_id": KEY_ID,
        "access_key_secret": SECRET,
        "sign_name": SIGN_NAME,
        "templates": TEMPLATE_CODES,
        "endpoint": stub_server.endpoint,
        "timeout": TIMEOUT,
    }
    yield stub_server
    stub_server.release.set()


@pytest.fixture
def sms_log(caplog):
    caplog.set_level(logging.DEBUG, logger="stations.sms")
    return caplog


def send_code():
    send_message(MOBILE, "login_code", {"code": CODE, "minutes": "5"})


# --- whole sends ------------------------------------------------------------------------------


def test_a_code_is_sent_once_with_every_parameter_and_a_valid_signature(stub, sms_log):
    send_code()

    assert stub.problems == []
    assert len(stub.requests) == 1
    sent = stub.requests[0]
    assert sent["PhoneNumbers"] == MOBILE
    assert sent["TemplateCode"] == "SMS_100000001"
    assert json.loads(sent["TemplateParam"]) == {"code": CODE}
    assert f"login_code to {MASKED} accepted" in sms_log.text
    assert CODE not in sms_log.text and MOBILE not in sms_log.text


def test_a_confirmation_sends_its_shortened_chinese_params(stub, settings):
    settings.SMS_NOTIFICATIONS = True

    send_message(
        MOBILE,
        "signup_confirmed",
        {"activity": "社区长者关爱探访活动第三期重阳节敬老特别场次", "starts": "10月11日 09:00"},
    )

    assert stub.problems == []
    assert json.loads(stub.requests[0]["TemplateParam"]) == {
        "activity": "社区长者关爱探访活动第三期重阳节敬老特…",
        "starts": "10月11日 09:00",
    }


def test_each_send_has_its_own_nonce(stub):
    send_code()
    send_code()

    assert stub.problems == []
    assert len({r["SignatureNonce"] for r in stub.requests}) == 2


def assert_refused(refused, sms_log, reason):
    error = refused.value
    assert error.reason == reason
    assert CJK.search(str(error)), str(error)
    assert CODE not in sms_log.text and MOBILE not in sms_log.text
    assert SECRET not in sms_log.text
    assert MASKED in sms_log.text


def test_the_providers_rate_limit_is_an_sms_error(stub, sms_log):
    stub.mode = "rate_limited"

    with pytest.raises(SmsError) as refused:
        send_code()

    assert_refused(refused, sms_log, "rate_limited")
    assert str(refused.value) == "短信发送过于频繁，请稍后再试。"
    assert "isv.BUSINESS_LIMIT_CONTROL" in sms_log.text
    assert len(stub.requests) == 1  # not retried


def test_a_server_error_is_an_sms_error_and_not_retried(stub, sms_log):
    stub.mode = "http500"

    with pytest.raises(SmsError) as refused:
        send_code()

    assert_refused(refused, sms_log, "unavailable")
    assert "HTTP 500" in sms_log.text
    assert len(stub.requests) == 1


def test_no_answer_in_time_is_an_sms_error_within_the_timeout(stub, sms_log):
    stub.mode = "slow"

    started = time.monotonic()
    with pytest.raises(SmsError) as refused:
        send_code()
    elapsed = time.monotonic() - started

    assert elapsed < TIMEOUT + 0.5
    assert_refused(refused, sms_log, "unavailable")
    assert "unreachable" in sms_log.text and "timed out" in sms_log.text
    assert len(stub.requests) == 1


def test_a_wrong_secret_is_refused_by_the_signature_check(stub, settings, sms_log):
    wrong = "wrong-secret-kept-out-of-logs"
    settings.SMS_SENDER_OPTIONS = settings.SMS_SENDER_OPTIONS | {"access_key_secret": wrong}

    with pytest.raises(SmsError) as refused:
        send_code()

    assert_refused(refused, sms_log, "refused")
    assert stub.problems == ["SignatureDoesNotMatch"]
    assert "HTTP 400, Code=SignatureDoesNotMatch" in sms_log.text
    assert wrong not in sms_log.text


@pytest.mark.parametrize("code", [CODE, "K7Q2X9"])
def test_an_error_quoting_the_code_is_logged_without_it(stub, sms_log, code):
    stub.mode = "echo"

    with pytest.raises(SmsError) as refused:
        send_message(MOBILE, "login_code", {"code": code, "minutes": "5"})

    assert_refused(refused, sms_log, "refused")
    assert code not in sms_log.text
    assert "isv.INVALID_PARAMETERS" in sms_log.text


def test_a_closed_port_is_an_sms_error(settings, sms_log):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends
    settings.SMS_SENDER = "stations.sms.AliyunSender"
    settings.SMS_SENDER_OPTIONS = {
        "access_key_id": KEY_ID,
        "access_key_secret": SECRET,
        "sign_name": SIGN_NAME,
        "templates": TEMPLATE_CODES,
        "endpoint": f"http://127.0.0.1:{port}/",
        "timeout": TIMEOUT,
    }

    with pytest.raises(SmsError) as refused:
        send_code()

    assert_refused(refused, sms_log, "unavailable")


def test_a_template_without_a_code_is_not_requested(stub, settings, sms_log):
    settings.SMS_NOTIFICATIONS = True

    with pytest.raises(SmsError) as refused:
        send_message(MOBILE, "registration_received", {"station": "龙口西社区"})

    assert_refused(refused, sms_log, "unavailable")
    assert "SMS_ALIYUN_TEMPLATE_REGISTRATION_RECEIVED is not set" in sms_log.text
    assert stub.requests == []


# --- configuration ------------------------------------------------------------------------------

FULL_ENV = {
    "SMS_ALIYUN_ACCESS_KEY_ID": KEY_ID,
    "SMS_ALIYUN_ACCESS_KEY_SECRET": SECRET,
    "SMS_ALIYUN_SIGN_NAME": SIGN_NAME,
    "SMS_ALIYUN_TEMPLATE_LOGIN_CODE": "SMS_100000001",
}


def test_options_from_the_environment_with_their_defaults():
    options = AliyunSender.options_from_environ(FULL_ENV, notifications=False)

    assert options == {
        "access_key_id": KEY_ID,
        "access_key_secret": SECRET,
        "sign_name": SIGN_NAME,
        "templates": {"login_code": "SMS_100000001"},
        "endpoint": "https://dysmsapi.aliyuncs.com/",
        "timeout": 5.0,
    }
    assert AliyunSender(**options).timeout == 5.0


def test_notifications_need_their_four_templates():
    with pytest.raises(ImproperlyConfigured) as missing:
        AliyunSender.options_from_environ(FULL_ENV, notifications=True)

    assert str(missing.value).startswith(
        "SMS_SENDER is the 阿里云 sender, so SMS_ALIYUN_TEMPLATE_SIGNUP_CONFIRMED, "
        "SMS_ALIYUN_TEMPLATE_SIGNUP_WAITLISTED, SMS_ALIYUN_TEMPLATE_WAITLIST_PROMOTED, "
        "SMS_ALIYUN_TEMPLATE_REGISTRATION_RECEIVED must be set too"
    )


@pytest.mark.parametrize("name", sorted(FULL_ENV))
def test_each_missing_variable_is_named(name):
    env = FULL_ENV | {name: "  "}

    with pytest.raises(ImproperlyConfigured, match=f"so {name} must be set too"):
        AliyunSender.options_from_environ(env, notifications=False)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"SMS_TIMEOUT": "0"}, "SMS_TIMEOUT"),
        ({"SMS_TIMEOUT": "soon"}, "SMS_TIMEOUT"),
        ({"SMS_TIMEOUT": "nan"}, "SMS_TIMEOUT"),
        ({"SMS_TIMEOUT": "600"}, "SMS_TIMEOUT"),
        ({"SMS_ALIYUN_ENDPOINT": "http://dysmsapi.aliyuncs.com/"}, "SMS_ALIYUN_ENDPOINT"),
        ({"SMS_ALIYUN_ENDPOINT": "https://dysmsapi.aliyuncs.com/x"}, "SMS_ALIYUN_ENDPOINT"),
        ({"SMS_ALIYUN_ENDPOINT": "dysmsapi.aliyuncs.com"}, "SMS_ALIYUN_ENDPOINT"),
        ({"SMS_ALIYUN_TEMPLATE_LOGIN_CODE": "SMS 1"}, "SMS_ALIYUN_TEMPLATE_LOGIN_CODE"),
        ({"SMS_ALIYUN_SIGN_NAME": "门户\u202e"}, "SMS_ALIYUN_SIGN_NAME"),
    ],
)
def test_odd_values_stop_the_start(extra, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        AliyunSender(**AliyunSender.options_from_environ(FULL_ENV | extra, notifications=False))


def test_the_endpoint_and_timeout_may_be_set():
    env = FULL_ENV | {"SMS_ALIYUN_ENDPOINT": "https://dysmsapi.aliyuncs.com", "SMS_TIMEOUT": "2"}

    sender = AliyunSender(**AliyunSender.options_from_environ(env, notifications=False))

    assert (sender.endpoint, sender.timeout) == ("https://dysmsapi.aliyuncs.com/", 2.0)
