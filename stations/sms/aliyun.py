"""阿里云短信服务 (Dysmsapi) SendSms, written against its published API with the standard library.

RPC style, API version 2017-05-25, signature version 1.0: every parameter but Signature is
sorted by name, each name and value percent-encoded (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay,
a space is %20), joined as name=value&…; StringToSign = METHOD & percentEncode("/") &
percentEncode(that query); Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
The request is a POST with the parameters in a form body, so the code never sits in a URL that
a proxy might log. The answer is JSON: {"Code": "OK", "Message", "BizId", "RequestId"}; any other
Code is a refusal (isv.BUSINESS_LIMIT_CONTROL is the provider's own per-number rate limit).
"""

import base64
import hashlib
import hmac
import http.client
import json
import math
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

from home.base.inputs import service_address, text_problem

from .base import (
    MESSAGE_INVALID,
    MESSAGE_RATE_LIMITED,
    MESSAGE_REFUSED,
    MESSAGE_UNAVAILABLE,
    BaseSender,
    Message,
    SmsError,
    logger,
)
from .texts import TEMPLATES

API_VERSION = "2017-05-25"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 60.0
# An answer is a few hundred bytes; never read more than this from whatever answers.
MAX_RESPONSE_BYTES = 64 * 1024
# Plain HTTP only to this machine (a local stub in tests): the code travels in the body.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TEMPLATE_VARIABLE = "SMS_ALIYUN_TEMPLATE_{}"
_TEMPLATE_CODE = re.compile(r"[A-Za-z0-9_]{1,64}")
_DIGIT_RUN = re.compile(r"[0-9]{4,}")

# Codes the resident is told something particular about; any other Code is MESSAGE_REFUSED.
RATE_LIMITED_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL"})
INVALID_NUMBER_CODES = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"})
# The account's own limits and quotas: nothing the resident can wait out in a minute.
UNAVAILABLE_CODES = frozenset(
    {"isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "isv.OUT_OF_SERVICE", "Throttling.User"}
)


def percent_encode(value: str) -> str:
    """Aliyun's percentEncode: UTF-8, everything but A-Z a-z 0-9 - _ . ~ as %XY (upper case)."""
    return quote(value, safe="~")


def canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}"
        for name in sorted(params)
        if name != "Signature"
    )


def string_to_sign(params: Mapping[str, str], method: str = "POST") -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def rpc_signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    digest = hmac.new(
        f"{secret}&".encode(), string_to_sign(params, method).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def utc_timestamp(now: datetime | None = None) -> str:
    """ISO 8601 in UTC, as Aliyun wants it: 2017-07-12T02:42:19Z."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timeout(raw) -> float:
    """SMS_TIMEOUT in seconds (default 5): a number above 0, at most 60."""
    if raw is None or str(raw).strip() == "":
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (0 < seconds <= MAX_TIMEOUT):  # NaN fails too
        raise ImproperlyConfigured(
            f"SMS_TIMEOUT must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, e.g. 5."
        )
    return seconds


def check_endpoint(endpoint: str) -> str:
    parts = service_address(endpoint)
    if parts is None or not (parts.scheme == "https" or parts.hostname in LOOPBACK_HOSTS):
        raise ImproperlyConfigured(
            "SMS_ALIYUN_ENDPOINT must be the service's https:// address and nothing else, "
            f"e.g. {DEFAULT_ENDPOINT} (plain http only to 127.0.0.1)."
        )
    return f"{parts.scheme}://{parts.netloc}/"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """SendSms never redirects; a redirect is answered as a failure, never followed with the
    body dropped (urllib turns a redirected POST into a GET)."""

    def redirect_request(self, *args, **kwargs):
        return None


class AliyunSender(BaseSender):
    """Sends through 阿里云短信服务. One attempt per message, never retried (see `send`)."""

    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        templates: Mapping[str, str],
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        for variable, value in (
            ("SMS_ALIYUN_ACCESS_KEY_ID", access_key_id),
            ("SMS_ALIYUN_ACCESS_KEY_SECRET", access_key_secret),
            ("SMS_ALIYUN_SIGN_NAME", sign_name),
        ):
            if not isinstance(value, str) or not value.strip() or text_problem(value):
                raise ImproperlyConfigured(f"{variable} must be set (README, SMS).")
        unknown = sorted(set(templates) - set(TEMPLATES))
        if unknown:
            raise ImproperlyConfigured(f"No SMS template named {', '.join(unknown)}.")
        if not templates.get("login_code"):
            raise ImproperlyConfigured(
                f"{TEMPLATE_VARIABLE.format('LOGIN_CODE')} must be set (README, SMS)."
            )
        for name, code in templates.items():
            if not _TEMPLATE_CODE.fullmatch(code):
                raise ImproperlyConfigured(
                    f"{TEMPLATE_VARIABLE.format(name.upper())} must be a template code such as "
                    "SMS_123456789."
                )
        self.access_key_id = access_key_id.strip()
        self.access_key_secret = access_key_secret.strip()
        self.sign_name = sign_name.strip()
        self.templates = dict(templates)
        self.endpoint = check_endpoint(endpoint)
        self.timeout = parse_timeout(timeout)
        self._opener = urllib.request.build_opener(_NoRedirects)

    @classmethod
    def options_from_environ(cls, environ: Mapping[str, str], *, notifications: bool) -> dict:
        """The SMS_ALIYUN_* variables. The sign-in code's template is always required; the
        confirmations' only with SMS_NOTIFICATIONS on (a site without them needs no approval
        for four more templates)."""
        value = {name: environ.get(name, "").strip() for name in environ if name.startswith("SMS_")}
        template_variables = {name: TEMPLATE_VARIABLE.format(name.upper()) for name in TEMPLATES}
        required = [
            "SMS_ALIYUN_ACCESS_KEY_ID",
            "SMS_ALIYUN_ACCESS_KEY_SECRET",
            "SMS_ALIYUN_SIGN_NAME",
            template_variables["login_code"],
        ]
        if notifications:
            required += [
                variable
                for name, variable in template_variables.items()
                if TEMPLATES[name].notification
            ]
        missing = [name for name in required if not value.get(name)]
        if missing:
            raise ImproperlyConfigured(
                f"SMS_SENDER is the 阿里云 sender, so {', '.join(missing)} must be set too "
                "(README, SMS)."
            )
        return {
            "access_key_id": value["SMS_ALIYUN_ACCESS_KEY_ID"],
            "access_key_secret": value["SMS_ALIYUN_ACCESS_KEY_SECRET"],
            "sign_name": value["SMS_ALIYUN_SIGN_NAME"],
            "templates": {
                name: value[variable]
                for name, variable in template_variables.items()
                if value.get(variable)
            },
            "endpoint": check_endpoint(value.get("SMS_ALIYUN_ENDPOINT") or DEFAULT_ENDPOINT),
            "timeout": parse_timeout(value.get("SMS_TIMEOUT")),
        }

    def request_params(self, message: Message, *, nonce: str, timestamp: str) -> dict[str, str]:
        """Every parameter of the SendSms request but its Signature."""
        template = TEMPLATES[message.template]
        return {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.mobile,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": self.templates[message.template],
            "TemplateParam": json.dumps(
                template.params_for_provider(message.params),
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            "Timestamp": timestamp,
            "Version": API_VERSION,
        }

    def signed_body(self, message: Message, *, nonce: str, timestamp: str) -> bytes:
        params = self.request_params(message, nonce=nonce, timestamp=timestamp)
        params["Signature"] = rpc_signature(params, self.access_key_secret, "POST")
        return "&".join(
            f"{percent_encode(name)}={percent_encode(value)}" for name, value in params.items()
        ).encode("ascii")

    def send(self, message: Message) -> None:
        """One POST, never retried: a request that timed out or failed half-way may still
        have been delivered, and SendSms has no idempotency key, so a retry could send the
        resident a second SMS (a second code, for a code that may already be on its way).
        The resident can ask again; the sign-in flow's rate limit counts that."""
        if not self.templates.get(message.template):
            logger.warning(
                "SMS %s not sent: %s is not set",
                message.masked,
                TEMPLATE_VARIABLE.format(message.template.upper()),
            )
            raise SmsError(MESSAGE_UNAVAILABLE, reason="unavailable")
        body = self.signed_body(message, nonce=secrets.token_hex(16), timestamp=utc_timestamp())
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/json",
            },
        )
        try:
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    status, raw = response.status, response.read(MAX_RESPONSE_BYTES)
            except urllib.error.HTTPError as error:
                # A 4xx/5xx carries the same JSON (a bad signature is a 400 with its Code).
                with error:
                    status, raw = error.code, error.read(MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException) as error:
            # URLError, timeouts, refused or reset connections, TLS failures, broken answers.
            logger.warning(
                "SMS %s not sent: 阿里云 SMS at %s unreachable (%s: %s)",
                message.masked,
                self.endpoint,
                type(error).__name__,
                getattr(error, "reason", error),
            )
            raise SmsError(MESSAGE_UNAVAILABLE, reason="unavailable") from None
        self._read_answer(message, status, raw)

    def _read_answer(self, message: Message, status: int, raw: bytes) -> None:
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        code = answer.get("Code") if isinstance(answer, dict) else None
        if 200 <= status < 300 and code == "OK":
            logger.info(
                "SMS %s accepted by 阿里云 (BizId %s, RequestId %s)",
                message.masked,
                answer.get("BizId"),
                answer.get("RequestId"),
            )
            return
        if isinstance(answer, dict):
            detail = "Code={}, Message={}, RequestId={}".format(
                code, self._without_values(message, answer.get("Message")), answer.get("RequestId")
            )
        else:
            detail = f"an answer that is not JSON ({len(raw)} bytes)"
        logger.warning("SMS %s refused by 阿里云: HTTP %s, %s", message.masked, status, detail)
        if code in RATE_LIMITED_CODES:
            raise SmsError(MESSAGE_RATE_LIMITED, reason="rate_limited")
        if code in INVALID_NUMBER_CODES:
            raise SmsError(MESSAGE_INVALID, reason="invalid")
        if code is None or code in UNAVAILABLE_CODES or status >= 500:
            raise SmsError(MESSAGE_UNAVAILABLE, reason="unavailable")
        raise SmsError(MESSAGE_REFUSED, reason="refused")

    @staticmethod
    def _without_values(message: Message, text) -> str:
        """The provider's message for the log, without anything sent in the SMS (an error
        about a parameter could quote the code) and without long digit runs (the number)."""
        text = str(text or "")[:300]
        for value in message.params.values():
            if len(value) >= 4:
                text = text.replace(value, "***")
        return _DIGIT_RUN.sub("***", text)
