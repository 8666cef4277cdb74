"""Check-in (签到) at an activity by scanning its QR code: one row per volunteer per activity,
with the times in and out and, when the browser gave one, where. The rules are in
stations/activities/checkin.py."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    wagtail_reference_index_ignore = True

    activity = models.ForeignKey(
        "stations.ActivityPage",
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="check_ins",
    )
    signup = models.ForeignKey(
        "stations.ActivitySignup",
        verbose_name=_("报名"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
    )
    walk_in = models.BooleanField(_("现场加入"), default=False)
    checked_in_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    # Where the browser said the phone was (WGS-84), and how far that is from the activity's
    # place; a check-in too far away is flagged for the manager, never refused.
    in_latitude = models.FloatField(_("签到纬度"), null=True, blank=True)
    in_longitude = models.FloatField(_("签到经度"), null=True, blank=True)
    in_accuracy_m = models.FloatField(_("签到定位精度（米）"), null=True, blank=True)
    in_distance_m = models.FloatField(_("签到距活动地点（米）"), null=True, blank=True)
    out_latitude = models.FloatField(_("签退纬度"), null=True, blank=True)
    out_longitude = models.FloatField(_("签退经度"), null=True, blank=True)
    out_accuracy_m = models.FloatField(_("签退定位精度（米）"), null=True, blank=True)
    out_distance_m = models.FloatField(_("签退距活动地点（米）"), null=True, blank=True)
    flagged = models.BooleanField(_("距离过远"), default=False, db_index=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["activity", "checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="one_check_in_per_activity"
            )
        ]

    def __str__(self):
        return f"{self.activity_id} · {self.volunteer_id}"
