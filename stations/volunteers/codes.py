"""One-time sign-in codes sent by SMS: asking for one, and checking one.

A code is 6 digits, valid for CODE_MINUTES, ended by CODE_TRIES tries or by its use, and replaced
by the next one asked for (only the latest code of a number is ever checked). It is stored as an
HMAC-SHA256 keyed with SECRET_KEY and a salt of its own, so the table alone lets nobody sign in
with a pending code. The hash is not what keeps a code from being guessed: with SECRET_KEY all
10⁶ codes hash in well under a second. What does is that a guess costs a try: 5 tries a code, at
most a few codes an hour (`limits` below), 5 minutes each; so about 10 guesses an hour at one
number, a chance of 1 in 100,000.

Every number is treated alike, known or not (the volunteer is made when a code is first
verified, accounts.py), so what the page answers and how long it takes tell nobody whether a
number has an account.
"""

import logging
import math
import secrets
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stations.models import LoginCode
from stations.sms import SmsError, send_message
from stations.volunteers.limits import Gap, Window, longest_wait

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_MINUTES = 5
CODE_TRIES = 5
# Rows are the administrators' record of sign-in attempts; kept this long, then deleted.
RECORD_DAYS = 30

# Asking for codes: per number one a minute and 5 an hour (SMS cost, and a phone flooded with
# messages); per client address 20 an hour (a community centre's computers share one address).
SEND_GAP = Gap("code-gap", 60)
SENDS_PER_NUMBER = Window("code-number", 5, 3600)
SENDS_PER_IP = Window("code-ip", 20, 3600)
# Wrong codes, across codes: per number 10 an hour, per address 30 an hour.
WRONG_PER_NUMBER = Window("wrong-number", 10, 3600)
WRONG_PER_IP = Window("wrong-ip", 30, 3600)

NUMBER_RULES = (SEND_GAP, SENDS_PER_NUMBER, WRONG_PER_NUMBER)
IP_RULES = (SENDS_PER_IP, WRONG_PER_IP)


class CodeRefused(Exception):
    """A code not sent or not accepted; `message` is for the resident, `reason` for the page
    (its status) and the tests, `wait` the seconds before trying again helps."""

    def __init__(self, message: str, *, reason: str, wait: int = 0):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.wait = wait


def masked(mobile: str) -> str:
    """138****5678: enough for a resident to recognise, and for logs."""
    return f"{mobile[:3]}****{mobile[7:]}" if len(mobile) == 11 else "***"


def format_wait(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)d 秒", "%(n)d 秒", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes}


def code_hash(*, mobile: str, code: str, salt: str) -> str:
    return salted_hmac(
        "stations.volunteers.LoginCode", f"{salt}:{mobile}:{code}", algorithm="sha256"
    ).hexdigest()


def _wait_refusal(wait: int, rule) -> CodeRefused:
    if rule in (WRONG_PER_NUMBER, WRONG_PER_IP):
        message = _("验证码输错次数过多，请 %(wait)s后再试。")
    elif rule is SEND_GAP:
        message = _("验证码刚刚发送过，请 %(wait)s后再重新获取。")
    else:
        message = _("获取验证码的次数过多，请 %(wait)s后再试。")
    return CodeRefused(message % {"wait": format_wait(wait)}, reason="wait", wait=wait)


def _limited(*, mobile: str, ip: str, now, number_rules, ip_rules) -> CodeRefused | None:
    wait, rule = max(
        longest_wait(number_rules, mobile, now=now),
        longest_wait(ip_rules, ip, now=now),
        key=lambda found: found[0],
    )
    if not wait:
        return None
    logger.warning(
        "Volunteer sign-in held back by %s for %s from %s: %d s to wait",
        rule.name,
        masked(mobile),
        ip,
        wait,
    )
    return _wait_refusal(wait, rule)


def request_code(*, mobile: str, ip: str, now=None) -> LoginCode:
    """Send a new code to `mobile` (11 ASCII digits, already checked); CodeRefused says why not.

    Nothing is stored or sent when it refuses. The new code replaces any earlier one.
    """
    now = now or timezone.now()
    refusal = _limited(mobile=mobile, ip=ip, now=now, number_rules=NUMBER_RULES, ip_rules=IP_RULES)
    if refusal:
        raise refusal
    wait = SEND_GAP.claim(mobile, now=now)
    if wait:  # another request for this number got in first
        raise _wait_refusal(wait, SEND_GAP)

    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    try:
        row = LoginCode.objects.create(
            mobile=mobile,
            code_hash=code_hash(mobile=mobile, code=code, salt=salt),
            salt=salt,
            ip=ip[:45],
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    except Exception:
        SEND_GAP.release(mobile)  # nothing was sent (the database failed): the minute is free
        raise
    try:
        send_message(mobile, "login_code", {"code": code, "minutes": str(CODE_MINUTES)})
    except SmsError as error:
        row.delete()
        SEND_GAP.release(mobile)
        SENDS_PER_IP.hit(ip, now=now)  # a failing gateway is no free pass for a flood
        logger.warning("Volunteer sign-in code to %s not sent (%s)", masked(mobile), error.reason)
        # The gateway's own sentence for the resident (stations/sms/base.py).
        raise CodeRefused(str(error), reason="sms") from error

    # Only the latest code counts; the earlier ones say so for the record.
    LoginCode.objects.filter(mobile=mobile, pk__lt=row.pk, used_at=None, superseded_at=None).update(
        superseded_at=now
    )
    SENDS_PER_NUMBER.hit(mobile, now=now)
    SENDS_PER_IP.hit(ip, now=now)
    LoginCode.objects.filter(created_at__lt=now - timedelta(days=RECORD_DAYS)).delete()
    logger.info("Volunteer sign-in code sent to %s from %s", masked(mobile), ip)
    return row


def _ended(reason: str) -> CodeRefused:
    messages = {
        "none": _("请先获取验证码。"),
        "used": _("这个验证码已经使用过了，请重新获取验证码。"),
        "expired": _("验证码已过期（有效 %(minutes)d 分钟），请重新获取。")
        % {"minutes": CODE_MINUTES},
        "tried": _("验证码已输错 %(tries)d 次，已经失效，请重新获取。") % {"tries": CODE_TRIES},
    }
    return CodeRefused(messages[reason], reason=reason)


def _why_ended(row: LoginCode | None, now) -> str | None:
    if row is None:
        return "none"
    if row.used_at is not None:
        return "used"
    if row.attempts >= CODE_TRIES:
        return "tried"
    if row.expires_at <= now:
        return "expired"
    return None


def verify_code(*, mobile: str, code: str, ip: str, now=None) -> LoginCode:
    """Accept `code` (6 ASCII digits, already checked) for `mobile`, once; CodeRefused else."""
    now = now or timezone.now()
    refusal = _limited(
        mobile=mobile,
        ip=ip,
        now=now,
        number_rules=(WRONG_PER_NUMBER,),
        ip_rules=(WRONG_PER_IP,),
    )
    if refusal:
        raise refusal
    row = LoginCode.objects.filter(mobile=mobile).order_by("-pk").first()
    ended = _why_ended(row, now)
    if ended:
        raise _ended(ended)
    # The try is taken before the code is compared, in one conditional update: however many
    # guesses arrive at once, no more than CODE_TRIES are ever compared.
    took = LoginCode.objects.filter(
        pk=row.pk, used_at=None, superseded_at=None, attempts__lt=CODE_TRIES, expires_at__gt=now
    ).update(attempts=F("attempts") + 1)
    if not took:
        row.refresh_from_db()
        raise _ended(_why_ended(row, now) or "used")
    row.attempts += 1
    tries_left = CODE_TRIES - row.attempts

    if not constant_time_compare(code_hash(mobile=mobile, code=code, salt=row.salt), row.code_hash):
        WRONG_PER_NUMBER.hit(mobile, now=now)
        WRONG_PER_IP.hit(ip, now=now)
        logger.warning(
            "Volunteer sign-in: wrong code for %s from %s (%d tries left)",
            masked(mobile),
            ip,
            tries_left,
        )
        if tries_left <= 0:
            raise _ended("tried")
        raise CodeRefused(
            ngettext(
                "验证码不正确，请输入最近一次收到的验证码。还可以再试 %(n)d 次。",
                "验证码不正确，请输入最近一次收到的验证码。还可以再试 %(n)d 次。",
                tries_left,
            )
            % {"n": tries_left},
            reason="wrong",
        )

    # One use only: of two requests with the right code, one signs in.
    used = LoginCode.objects.filter(pk=row.pk, used_at=None, superseded_at=None).update(used_at=now)
    if not used:
        raise _ended("used")
    logger.info("Volunteer sign-in code accepted for %s from %s", masked(mobile), ip)
    row.used_at = now
    return row


def unlock(*, mobile: str | None = None, ip: str | None = None, now=None) -> dict[str, int]:
    """Lift the limits on a number or an address; what each rule still held (seconds), before."""
    held = {}
    for rules, value in ((NUMBER_RULES, mobile), (IP_RULES, ip)):
        if not value:
            continue
        for rule in rules:
            held[rule.name] = rule.wait(value, now=now)
            rule.reset(value, now=now)
    return held
