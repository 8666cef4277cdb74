"""Service records (志愿服务记录): one per volunteer per activity, its history as entries that
are only ever added (民政部《志愿服务记录与证明出具办法（试行）》: the organiser records, and a
change is a new entry with its reason), the volunteer's requests for a correction, the maintained
totals the public figures read, and the 星级 thresholds editors keep.

The rules are in stations/hours.py; this module holds only the rows.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class EntryKind(models.TextChoices):
    RECORDED = "recorded", _("记录")
    CONFIRMED = "confirmed", _("确认")
    REJECTED = "rejected", _("驳回")
    CORRECTED = "corrected", _("更正")


class HoursBasis(models.TextChoices):
    CHECK_IN = "check_in", _("按签到签退时间")
    ACTIVITY = "activity", _("按活动时长")
    MANUAL = "manual", _("站点填写")


class AppendOnly(Exception):
    """A service record's entry, once written, is history: it is never changed or deleted."""


class ServiceRecord(models.Model):
    """One volunteer's service at one activity: its current state, read from its latest entry
    in the same transaction that adds the entry (stations/hours.py), and a snapshot of the
    activity so the record stands if the page is later deleted."""

    wagtail_reference_index_ignore = True

    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    activity = models.ForeignKey(
        "stations.ActivityPage",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
    )
    # The organising station (谁组织谁记录): only its managers record and confirm.
    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("组织站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
    )
    activity_title = models.CharField(_("活动"), max_length=255)
    station_title = models.CharField(_("组织站点"), max_length=255)
    starts_at = models.DateTimeField(_("活动开始"))
    ends_at = models.DateTimeField(_("活动结束"))
    # The year (Asia/Shanghai) the activity began in: the public figures count by it.
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)

    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    basis = models.CharField(_("时长依据"), max_length=12, choices=HoursBasis.choices)
    decided_by_name = models.CharField(_("确认人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最后变更"), default=timezone.now)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="one_service_record_per_activity"
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="record_volunteer_status_idx"),
            models.Index(fields=["station", "status"], name="record_station_status_idx"),
        ]

    def __str__(self):
        return f"{self.activity_title} · {self.hours} 小时"

    @property
    def confirmed_hours(self) -> Decimal:
        return self.hours if self.status == RecordStatus.CONFIRMED else Decimal("0")


class ServiceRecordEntry(models.Model):
    """One step in a record's history: what it said after the step, who took it, when, and why.
    Never changed or deleted (save and delete refuse), so the history is complete."""

    wagtail_reference_index_ignore = True

    record = models.ForeignKey(
        ServiceRecord, verbose_name=_("服务记录"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("操作"), max_length=12, choices=EntryKind.choices)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=RecordStatus.choices)
    basis = models.CharField(_("时长依据"), max_length=12, choices=HoursBasis.choices)
    reason = models.CharField(_("更正说明"), max_length=200, blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务记录变更")
        verbose_name_plural = _("服务记录变更")
        ordering = ["record", "pk"]

    def __str__(self):
        return f"{self.record_id} · {self.get_kind_display()} · {self.hours}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("A service record entry is history and is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("A service record entry is history and is never deleted.")


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已更正")
    DECLINED = "declined", _("未采纳")


class CorrectionRequest(models.Model):
    """A volunteer's request, from 我的志愿服务, that the station correct a record."""

    record = models.ForeignKey(
        ServiceRecord,
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    hours = models.DecimalField(
        _("应为（小时）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=12, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.CharField(_("站点答复"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per record: a second would race the first's answer.
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status="open"),
                name="one_open_correction_per_record",
            )
        ]

    def __str__(self):
        return f"{self.record} · {self.get_status_display()}"


# --- maintained totals (stations/hours.py keeps them in step, in the same transaction) --------


class VolunteerHoursTotal(models.Model):
    """A volunteer's confirmed hours in all, for their level and the count of volunteers with
    records, without summing their records on every page."""

    wagtail_reference_index_ignore = True

    volunteer = models.OneToOneField(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hours_total",
    )
    confirmed_hours = models.DecimalField(
        _("已确认时长"), max_digits=9, decimal_places=1, default=0, db_index=True
    )

    class Meta:
        verbose_name = _("志愿者累计时长")
        verbose_name_plural = _("志愿者累计时长")

    def __str__(self):
        return f"{self.volunteer_id}: {self.confirmed_hours}"


class StationYearHours(models.Model):
    """One station's confirmed hours in one year: the station page and home figures read these
    few rows instead of scanning the records."""

    wagtail_reference_index_ignore = True

    station = models.ForeignKey(
        "stations.StationPage", on_delete=models.CASCADE, related_name="year_hours"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    confirmed_hours = models.DecimalField(
        _("已确认时长"), max_digits=11, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("站点年度时长")
        verbose_name_plural = _("站点年度时长")
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="one_total_per_station_year")
        ]
        indexes = [models.Index(fields=["year"], name="station_year_hours_year_idx")]

    def __str__(self):
        return f"{self.station_id} · {self.year}: {self.confirmed_hours}"


class StationVolunteer(models.Model):
    """A volunteer's confirmed hours at one station, and whether they chose to appear on its
    honour list (opt-in, withdrawable): the station's count of volunteers with records, and the
    only way a volunteer's name reaches a public page."""

    wagtail_reference_index_ignore = True

    station = models.ForeignKey(
        "stations.StationPage", on_delete=models.CASCADE, related_name="station_volunteers"
    )
    volunteer = models.ForeignKey(
        "stations.Volunteer", on_delete=models.CASCADE, related_name="station_totals"
    )
    confirmed_hours = models.DecimalField(
        _("已确认时长"), max_digits=9, decimal_places=1, default=0
    )
    honour_list = models.BooleanField(_("出现在站点光荣榜"), default=False)
    honour_list_changed_at = models.DateTimeField(_("光荣榜选择时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站点志愿者时长")
        verbose_name_plural = _("站点志愿者时长")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "volunteer"], name="one_total_per_station_volunteer"
            )
        ]
        indexes = [
            models.Index(fields=["station", "confirmed_hours"], name="station_volunteer_hours_idx")
        ]

    def __str__(self):
        return f"{self.station_id} · {self.volunteer_id}: {self.confirmed_hours}"


# --- 星级 and the 时间银行's rules, kept by editors -----------------------------------------------


def _hours_field(label, default):
    return models.PositiveIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )


@register_setting(icon="pick")
class ServiceLevelSettings(BaseGenericSetting):
    """星级 thresholds by confirmed hours (defaults: the national and Guangdong figures; Beijing
    and others use their own) and the 时间银行's exchange rules."""

    one_star = _hours_field(_("一星志愿者（小时）"), 100)
    two_star = _hours_field(_("二星志愿者（小时）"), 300)
    three_star = _hours_field(_("三星志愿者（小时）"), 600)
    four_star = _hours_field(_("四星志愿者（小时）"), 1000)
    five_star = _hours_field(_("五星志愿者（小时）"), 1500)
    exchange_level = models.PositiveSmallIntegerField(
        _("可兑换的最低星级"),
        default=1,
        validators=[MaxValueValidator(5)],
        help_text=_("0 表示不限星级；广州时间银行为一星。"),
    )
    balance_cap = models.PositiveIntegerField(
        _("积分余额上限"),
        default=1500,
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_("余额达到上限后，新确认的时长不再累积积分。"),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("one_star"), FieldPanel("two_star")]),
                FieldRowPanel([FieldPanel("three_star"), FieldPanel("four_star")]),
                FieldPanel("five_star"),
            ],
            heading=_("星级认定（累计已确认服务时长）"),
        ),
        MultiFieldPanel(
            [FieldPanel("exchange_level"), FieldPanel("balance_cap")],
            heading=_("时间银行"),
        ),
    ]

    class Meta:
        verbose_name = _("星级与时间银行")
        verbose_name_plural = _("星级与时间银行")

    def thresholds(self) -> list[int]:
        return [self.one_star, self.two_star, self.three_star, self.four_star, self.five_star]

    def clean(self):
        super().clean()
        levels = self.thresholds()
        if any(b <= a for a, b in zip(levels, levels[1:], strict=False)):
            raise ValidationError(_("每一星级的时长须高于前一星级。"))
