"""The volunteer (志愿者) a verified mobile number becomes, with the codes and sessions of
signing in (accounts.py, codes.py, session.py) and the log of their data rights (rights.py)."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VolunteerDeletionRefused(Exception):
    """A volunteer's row is never deleted, so their 志愿者编号 can never be issued again."""


NEVER_DELETED = "Volunteers are never deleted: erasure blanks their data and keeps the number."


class VolunteerQuerySet(models.QuerySet):
    def delete(self):
        raise VolunteerDeletionRefused(NEVER_DELETED)

    def active(self):
        """Volunteers who can sign in: an erased one keeps only the number, not the mobile."""
        return self.filter(mobile__isnull=False)


class Volunteer(models.Model):
    """One verified mainland mobile number, known by its 志愿者编号 (stations/numbers.py).

    Not a Django user: a volunteer signs in by a code sent to the number, in a session of their
    own (session.py), and never reaches the admin.
    """

    number = models.CharField(_("志愿者编号"), max_length=11, unique=True, editable=False)
    # Unique among active volunteers; NULL once erased (NULLs never collide).
    mobile = models.CharField(_("手机号码"), max_length=11, null=True, blank=True, unique=True)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    verified_at = models.DateTimeField(_("首次验证时间"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise VolunteerDeletionRefused(NEVER_DELETED)


class LoginCode(models.Model):
    """A one-time sign-in code sent to a mobile number, kept as a keyed hash (codes.py).

    Each row is also the record administrators read: which number asked, from which address,
    when, how many tries, and how the code ended (used, superseded, expired, tried out).
    """

    mobile = models.CharField(_("手机号码"), max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    ip = models.CharField(_("请求地址"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("发送时间"), db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("被新验证码取代的时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.mobile[:3]}****{self.mobile[7:]} · {self.created_at:%Y-%m-%d %H:%M}"


class VolunteerSession(AbstractBaseSession):
    """A volunteer's sign-in, apart from the admin's sessions (session.py): its own table and
    cookie, and the volunteer it belongs to, so all of one volunteer's sessions can be ended."""

    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    class Meta:
        verbose_name = _("志愿者登录会话")
        verbose_name_plural = _("志愿者登录会话")

    @classmethod
    def get_session_store_class(cls):
        from stations.volunteers.session import VolunteerSessionStore

        return VolunteerSessionStore


# --- a volunteer's rights over their data (stations/volunteers/rights.py) ----------------------


class DataRightsAction(models.TextChoices):
    NAME_CORRECTED = "name_corrected", _("更正姓名")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("撤回敏感信息同意")
    ACCOUNT_DELETED = "account_deleted", _("注销账号")
    DATA_EXPORTED = "data_exported", _("下载个人数据")


class DataRightsLog(models.Model):
    """One use of a data right (个人信息保护法 arts. 44–47): who, what, when, and how many rows.

    `details` holds counts and row ids only, never a value that was erased or replaced: the log
    must not keep what the volunteer asked to have removed. It outlives the account's data (the
    volunteer row stays, with its number), so it can show the erasure was done.
    """

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="data_rights_log",
    )
    action = models.CharField(_("操作"), max_length=20, choices=DataRightsAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    details = models.JSONField(_("涉及的记录"), default=dict, blank=True)

    class Meta:
        verbose_name = _("个人信息权利记录")
        verbose_name_plural = _("个人信息权利记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.volunteer_id} · {self.get_action_display()}"
