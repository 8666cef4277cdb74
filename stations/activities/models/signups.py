"""Residents' sign-ups to an activity, and the tally row each sign-up locks (stations/signup.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.activities.models.pages import ActivityPage


class ActivityTally(models.Model):
    """How many places an activity has given out, and the row every sign-up locks.

    Kept apart from the page: publishing a revision rewrites every page field, which would put
    back a stale count; and locking this row leaves editors free to save the page meanwhile.
    """

    wagtail_reference_index_ignore = True

    activity = models.OneToOneField(
        ActivityPage, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    confirmed = models.PositiveIntegerField(_("已确认"), default=0)
    waitlisted = models.PositiveIntegerField(_("候补"), default=0)

    class Meta:
        verbose_name = _("报名统计")
        verbose_name_plural = _("报名统计")

    def __str__(self):
        return f"{self.activity_id}: {self.confirmed}+{self.waitlisted}"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class ActivitySignup(models.Model):
    """One resident's place (or place in the queue) at one activity."""

    # Sign-ups hold no references worth tracking, and indexing each one would add writes to the
    # sign-up path, which must stay fast under a burst.
    wagtail_reference_index_ignore = True

    activity = models.ForeignKey(
        ActivityPage, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups"
    )
    name = models.CharField(_("姓名"), max_length=40)
    mobile = models.CharField(_("手机号码"), max_length=11)
    status = models.CharField(_("状态"), max_length=12, choices=SignupStatus.choices, db_index=True)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    # The SHA-256 of the secret in the resident's link: the link itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The volunteer who verified this mobile number (stations/volunteers/accounts.py).
    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signups",
    )

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        # Arrival order is the primary key's order; the waitlist is promoted in it.
        ordering = ["activity", "pk"]
        constraints = [
            # One live sign-up per mobile per activity; after cancelling one may sign up again.
            # Erased rows (a deleted account's, mobile "") keep their status and never collide.
            models.UniqueConstraint(
                fields=["activity", "mobile"],
                condition=~Q(status="cancelled") & ~Q(mobile=""),
                name="one_live_signup_per_mobile",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status"], name="signup_activity_status_idx")]

    def __str__(self):
        return f"{self.name}（{self.activity.title}）"
