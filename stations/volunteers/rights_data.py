"""What the portal holds about a volunteer (我的数据), read in a few queries however much, and
the copy they may take away (个人信息保护法 art. 45): one document, as JSON or as CSV rows.
The rights over it are in rights.py."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from stations.models import (
    ActivitySignup,
    LoginCode,
    RegistrationFormField,
    Volunteer,
    VolunteerRegistration,
    VolunteerSession,
)
from stations.spreadsheets import defuse
from stations.volunteers import codes
from stations.volunteers.admin import consent_answer, display_answer
from stations.volunteers.forms import has_value
from stations.volunteers.models import MOBILE, NAME, TEAM, DataRightsLog
from stations.volunteers.rights_service import service_sections

# --- what the portal holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    key: str  # the form field's clean_name, as stored
    label: str
    value: object  # as stored in form_data
    sensitive: bool
    # Name, mobile and team: the page shows them from the registration's columns, once.
    fixed: bool = False

    @property
    def text(self) -> str:
        return display_answer(self.value)


@dataclass(frozen=True)
class RegistrationData:
    registration: VolunteerRegistration
    answers: list[Answer]

    @property
    def withdrawable(self) -> bool:
        """Whether there is a sensitive-information consent or answer left to withdraw."""
        return self.registration.sensitive_consent or any(
            a.sensitive and has_value(a.value) for a in self.answers
        )


@dataclass(frozen=True)
class SignIn:
    sent_at: datetime
    ip: str
    attempts: int
    outcome: str


@dataclass(frozen=True)
class MyData:
    volunteer: Volunteer
    signups: list[ActivitySignup]
    registrations: list[RegistrationData]
    sign_ins: list[SignIn]
    active_sessions: int
    log: list[DataRightsLog]
    # Check-ins, records, certificates, points … (rights_service.service_sections).
    service: dict

    @property
    def withdrawable(self) -> list[RegistrationData]:
        return [r for r in self.registrations if r.withdrawable]

    @property
    def log_entries(self) -> list[tuple[DataRightsLog, str]]:
        return [(entry, log_summary(entry)) for entry in self.log]


def _outcome(row: LoginCode, now) -> str:
    if row.used_at is not None:
        return _("验证成功，已登录")
    if row.attempts >= codes.CODE_TRIES:
        return _("输错次数过多，已失效")
    if row.superseded_at is not None:
        return _("被新的验证码取代")
    if row.expires_at <= now:
        return _("过期未使用")
    return _("有效，尚未使用")


def _fields_by_page(page_ids) -> dict[int, list[RegistrationFormField]]:
    by_page: dict[int, list[RegistrationFormField]] = {}
    fields = RegistrationFormField.objects.filter(page_id__in=set(page_ids))
    for field in fields.order_by("page_id", "sort_order", "pk"):
        by_page.setdefault(field.page_id, []).append(field)
    return by_page


def _answers(registration, fields: list[RegistrationFormField]) -> list[Answer]:
    """Every stored answer by its field's label, in form order; answers to fields an editor has
    since removed by their stored key, so nothing held is left out."""
    stored = dict(registration.form_data or {})
    answers = []
    for field in fields:
        if field.clean_name in stored:
            value = stored.pop(field.clean_name)
            fixed = field.field_type in (NAME, MOBILE, TEAM)
            answers.append(Answer(field.clean_name, field.label, value, field.sensitive, fixed))
    for key, value in stored.items():
        answers.append(Answer(key, _("已删除的字段（%(key)s）") % {"key": key}, value, False))
    return answers


def with_answers(registrations) -> list[RegistrationData]:
    """Each registration with its answers, in one query for all their forms' fields."""
    registrations = list(registrations)
    fields = _fields_by_page(r.page_id for r in registrations)
    return [RegistrationData(r, _answers(r, fields.get(r.page_id, []))) for r in registrations]


def _registrations_of(volunteer):
    return (
        VolunteerRegistration.objects.filter(volunteer=volunteer)
        .select_related("station", "team")
        .order_by("-submit_time", "-pk")
    )


def withdrawable(volunteer: Volunteer) -> list[RegistrationData]:
    """The volunteer's registrations with a sensitive-information consent or answer left."""
    return [found for found in with_answers(_registrations_of(volunteer)) if found.withdrawable]


def my_data(volunteer: Volunteer, *, now=None) -> MyData:
    """Everything held about the volunteer, in the same handful of queries however much."""
    now = now or timezone.now()
    signups = (
        ActivitySignup.objects.filter(volunteer=volunteer)
        .select_related("activity", "activity__station")
        .order_by("-activity__starts_at", "-pk")
    )
    sign_ins = [
        SignIn(row.created_at, row.ip, row.attempts, _outcome(row, now))
        for row in LoginCode.objects.filter(mobile=volunteer.mobile or "").order_by("-pk")
    ]
    return MyData(
        volunteer=volunteer,
        signups=list(signups),
        registrations=with_answers(_registrations_of(volunteer)),
        sign_ins=sign_ins,
        active_sessions=VolunteerSession.objects.filter(
            volunteer=volunteer, expire_date__gt=now
        ).count(),
        log=list(DataRightsLog.objects.filter(volunteer=volunteer)),
        service=service_sections(volunteer),
    )


DETAIL_LABELS = {
    "signups": _lazy("改用新姓名的活动报名"),
    "registrations": _lazy("涉及的志愿者注册"),
    "answers_erased": _lazy("删除的敏感回答"),
    "signups_cancelled": _lazy("取消的活动报名"),
    "waitlist_promoted": _lazy("因此转正的候补"),
    "signups_erased": _lazy("删除个人信息的活动报名"),
    "registrations_erased": _lazy("删除个人信息的志愿者注册"),
    "sign_in_records_deleted": _lazy("删除的登录记录"),
    "sessions_ended": _lazy("退出登录的设备"),
    "check_in_locations_erased": _lazy("删除位置的签到"),
    "correction_reasons_erased": _lazy("删除理由的更正申请"),
    "format": _lazy("格式"),
}


def log_summary(entry: DataRightsLog) -> str:
    """An entry's counts in words: 涉及的志愿者注册 2 条、删除的敏感回答 3 条."""
    parts = []
    for key, value in (entry.details or {}).items():
        label = DETAIL_LABELS.get(key, key)
        if isinstance(value, list | int) and not isinstance(value, bool):
            count = len(value) if isinstance(value, list) else value
            parts.append(_("%(label)s %(count)d 条") % {"label": label, "count": count})
        else:
            parts.append(f"{label} {str(value).upper()}")
    return "、".join(parts)


# --- the copy to take away --------------------------------------------------------------------


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _attended(value) -> str:
    return {True: _("出席"), False: _("缺席")}.get(value, _("未记录"))


def export_document(data: MyData, *, now=None) -> dict:
    """The volunteer's data as one document: the JSON download, and the CSV's rows."""
    volunteer = data.volunteer
    return {
        _("说明"): _(
            "这是社区志愿服务门户保存的关于您的全部信息，下载于 %(when)s。"
            "登录记录不含验证码本身（只保存其不可还原的校验值）。"
        )
        % {"when": _when(now or timezone.now())},
        _("志愿者"): {
            _("志愿者编号"): volunteer.number,
            _("姓名"): volunteer.name,
            _("手机号码"): volunteer.mobile or "",
            _("创建时间"): _when(volunteer.created_at),
            _("首次验证时间"): _when(volunteer.verified_at),
        },
        _("活动报名"): [
            {
                _("活动"): s.activity.title,
                _("站点"): s.activity.station.title,
                _("活动开始时间"): _when(s.activity.starts_at),
                _("活动结束时间"): _when(s.activity.ends_at),
                _("状态"): s.get_status_display(),
                _("报名时填写的姓名"): s.name,
                _("报名时填写的手机号码"): s.mobile,
                _("报名时间"): _when(s.created_at),
                _("候补转正时间"): _when(s.promoted_at),
                _("取消时间"): _when(s.cancelled_at),
                _("出席"): _attended(s.attended),
            }
            for s in data.signups
        ],
        _("志愿者注册"): [_registration_entry(r) for r in data.registrations],
        _("登录记录"): [
            {
                _("发送验证码时间"): _when(s.sent_at),
                _("请求地址"): s.ip,
                _("尝试次数"): s.attempts,
                _("结果"): s.outcome,
            }
            for s in data.sign_ins
        ],
        _("登录中的设备数"): data.active_sessions,
        **data.service,
        _("个人信息权利记录"): [
            {_("时间"): _when(e.at), _("操作"): e.get_action_display(), _("涉及的记录"): summary}
            for e, summary in data.log_entries
        ],
    }


def _registration_entry(found: RegistrationData) -> dict:
    r = found.registration
    return {
        _("站点"): r.station.title,
        _("加入的队伍"): r.team.name if r.team_id else "",
        _("提交时间"): _when(r.submit_time),
        _("姓名"): r.name,
        _("手机号码"): r.mobile,
        _("已单独同意处理敏感信息"): consent_answer(r),
        _("填写的内容"): {a.label: a.value for a in found.answers},
    }


def export_json(data: MyData, *, now=None) -> str:
    return json.dumps(export_document(data, now=now), ensure_ascii=False, indent=2, default=str)


def export_rows(data: MyData, *, now=None):
    """(部分, 第几条, 项目, 内容) rows, one per value: a sheet anyone can read and filter."""
    for section, content in export_document(data, now=now).items():
        records = content if isinstance(content, list) else [content]
        for n, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                yield section, "", "", record
                continue
            for label, value in record.items():
                if isinstance(value, dict):  # a registration's answers, each a row
                    for sub, item in value.items():
                        yield section, n, sub, display_answer(item)
                else:
                    yield section, n, label, display_answer(value)


def export_csv(data: MyData, *, now=None) -> str:
    """The rows as a CSV a resident opens in WPS or Excel: UTF-8 with a byte-order mark (read
    as Chinese, not mojibake), every cell quoted, line breaks inside a cell as LF only, and no
    cell a spreadsheet would run as a formula or that holds control characters (defuse)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_("部分"), _("第几条"), _("项目"), _("内容")])
    for row in export_rows(data, now=now):
        writer.writerow(
            [defuse(str(cell)).replace("\r\n", "\n").replace("\r", "\n") for cell in row]
        )
    return out.getvalue()
