"""志愿服务记录证明: a volunteer's request to a station, the certificate the station issues
(民发〔2015〕149号; 民政部《志愿服务记录与证明出具办法（试行）》), and the serial its number takes.

A certificate is what was issued: every field is a copy taken at issue, so later edits to the
station, the volunteer or the records never change it. It can be revoked, never changed
(save refuses any other change). The rules are in stations/volunteers/certificates.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The only fields that may change once a certificate is issued: its revocation.
REVOCATION_FIELDS = frozenset({"revoked_at", "revoked_reason", "revoked_by"})


class CertificateChanged(Exception):
    """An issued certificate is never changed; revoke it and issue another."""


class CertificateRequestStatus(models.TextChoices):
    OPEN = "open", _("待出具")
    ISSUED = "issued", _("已出具")
    DECLINED = "declined", _("未出具")


class CertificateRequest(models.Model):
    """A volunteer asks a station for a certificate for the hours served there."""

    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="certificate_requests",
    )
    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("站点"),
        on_delete=models.CASCADE,
        related_name="certificate_requests",
    )
    period_start = models.DateField(_("起始日期"), null=True, blank=True)
    period_end = models.DateField(_("截止日期"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CertificateRequestStatus.choices,
        default=CertificateRequestStatus.OPEN,
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
    certificate = models.OneToOneField(
        "stations.ServiceCertificate",
        verbose_name=_("证明"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )

    class Meta:
        verbose_name = _("证明申请")
        verbose_name_plural = _("证明申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per volunteer per station: a second would be issued twice.
            models.UniqueConstraint(
                fields=["volunteer", "station"],
                condition=models.Q(status="open"),
                name="one_open_certificate_request",
            )
        ]

    def __str__(self):
        return f"{self.station_id} · {self.volunteer_id} · {self.get_status_display()}"


class CertificateSerial(models.Model):
    """The last serial a station used in a year; locked while a number is taken from it."""

    wagtail_reference_index_ignore = True

    station = models.ForeignKey(
        "stations.StationPage", on_delete=models.PROTECT, related_name="certificate_serials"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="one_serial_per_station_year")
        ]

    def __str__(self):
        return f"{self.station_id} · {self.year} · {self.last}"


class ServiceCertificate(models.Model):
    """One issued 志愿服务记录证明, as issued."""

    wagtail_reference_index_ignore = True

    number = models.CharField(_("证明编号"), max_length=32, unique=True)
    # The short, unguessable part of the public verification URL (/v/<code>/).
    verify_code = models.CharField(_("核验码"), max_length=16, unique=True)
    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("出具站点"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    name = models.CharField(_("姓名"), max_length=40)
    volunteer_number = models.CharField(_("志愿者编号"), max_length=11)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    total_hours = models.DecimalField(_("累计服务时长（小时）"), max_digits=9, decimal_places=1)
    # [{"date": "2026-03-05", "title": …, "content": …, "hours": "3.5"}, …] as issued.
    activities = models.JSONField(_("服务记录"), default=list)
    station_name = models.CharField(_("出具单位"), max_length=255)
    person_in_charge = models.CharField(_("负责人"), max_length=40)
    handled_by = models.CharField(_("经办人"), max_length=40)
    contact = models.CharField(_("联系电话"), max_length=40)
    issued_on = models.DateField(_("出具日期"))
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= REVOCATION_FIELDS:
                raise CertificateChanged("An issued certificate is only ever revoked.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CertificateChanged("An issued certificate is never deleted; revoke it.")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
