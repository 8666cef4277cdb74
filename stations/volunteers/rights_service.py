"""The service part of 我的数据 (个人信息保护法 art. 45): check-ins with their locations, service
records with every entry, correction requests, certificates and requests for them, the 时间银行's
transfers and exchanges, and the honour-list choices — as sections of the same document the
data page shows and the JSON/CSV download carries (rights_data.export_document)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import (
    CertificateRequest,
    CheckIn,
    CorrectionRequest,
    PointEntry,
    PointExchange,
    ServiceCertificate,
    ServiceRecord,
    ServiceRecordEntry,
    StationVolunteer,
)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _place(lat, lng, accuracy) -> str:
    if lat is None or lng is None:
        return ""
    text = f"{lat:.6f}, {lng:.6f}"
    return f"{text}（±{accuracy:.0f} 米）" if accuracy is not None else text


def service_sections(volunteer) -> dict:
    """{section title: [row dicts]}, in a fixed number of queries however many rows."""
    entries: dict[int, list] = {}
    for entry in ServiceRecordEntry.objects.filter(record__volunteer=volunteer).order_by("pk"):
        entries.setdefault(entry.record_id, []).append(
            f"{_when(entry.at)} {entry.get_kind_display()} {entry.hours} 小时"
            f" {entry.get_status_display()}{'：' + entry.reason if entry.reason else ''}"
        )
    records = ServiceRecord.objects.filter(volunteer=volunteer).order_by("-starts_at", "-pk")
    return {
        _("签到记录"): [
            {
                _("活动"): c.activity.title,
                _("签到时间"): _when(c.checked_in_at),
                _("签退时间"): _when(c.checked_out_at),
                _("签到位置"): _place(c.in_latitude, c.in_longitude, c.in_accuracy_m),
                _("签退位置"): _place(c.out_latitude, c.out_longitude, c.out_accuracy_m),
                _("现场加入"): _("是") if c.walk_in else _("否"),
            }
            for c in CheckIn.objects.filter(volunteer=volunteer).select_related("activity")
        ],
        _("服务记录"): [
            {
                _("活动"): r.activity_title,
                _("组织站点"): r.station_title,
                _("活动开始时间"): _when(r.starts_at),
                _("服务时长（小时）"): str(r.hours),
                _("服务内容"): r.content,
                _("状态"): r.get_status_display(),
                _("变更历史"): "；".join(entries.get(r.pk, [])),
            }
            for r in records
        ],
        _("更正申请"): [
            {
                _("活动"): c.record.activity_title,
                _("申请时间"): _when(c.created_at),
                _("理由"): c.reason,
                _("状态"): c.get_status_display(),
                _("站点答复"): c.reply,
            }
            for c in CorrectionRequest.objects.filter(record__volunteer=volunteer).select_related(
                "record"
            )
        ],
        _("证明申请"): [
            {
                _("站点"): c.station.title,
                _("申请时间"): _when(c.created_at),
                _("状态"): c.get_status_display(),
                _("站点答复"): c.reply,
            }
            for c in CertificateRequest.objects.filter(volunteer=volunteer).select_related(
                "station"
            )
        ],
        _("志愿服务记录证明"): [
            {
                _("证明编号"): c.number,
                _("出具单位"): c.station_name,
                _("姓名"): c.name,
                _("累计服务时长（小时）"): str(c.total_hours),
                _("出具日期"): str(c.issued_on),
                _("撤销"): f"{_when(c.revoked_at)} {c.revoked_reason}" if c.revoked_at else "",
            }
            for c in ServiceCertificate.objects.filter(volunteer=volunteer)
        ],
        _("积分流水"): [
            {
                _("时间"): _when(e.transfer.at),
                _("类型"): e.transfer.get_kind_display(),
                _("积分"): e.amount,
                _("说明"): e.transfer.memo,
            }
            for e in PointEntry.objects.filter(account__volunteer=volunteer)
            .select_related("transfer")
            .order_by("-transfer__at", "-pk")
        ],
        _("积分兑换"): [
            {
                _("兑换项目"): x.item.name,
                _("站点"): x.item.station.title,
                _("积分"): x.points,
                _("状态"): x.get_status_display(),
                _("兑换时间"): _when(x.created_at),
            }
            for x in PointExchange.objects.filter(volunteer=volunteer).select_related(
                "item", "item__station"
            )
        ],
        _("光荣榜"): [
            {_("站点"): s.station.title, _("显示我的姓名"): _("是") if s.honour_list else _("否")}
            for s in StationVolunteer.objects.filter(volunteer=volunteer).select_related("station")
        ],
    }
