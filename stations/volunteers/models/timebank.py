"""时间银行: points as a double-entry ledger (accounts, transfers, entries; a balance is the sum of
an account's entries, never stored alone), and the stations' exchange catalogue.

The rules (earning on confirmed hours, reversing on a correction, exchanging, donating; each
transfer atomic, no balance or stock below zero) are in stations/volunteers/timebank.py.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerChanged(Exception):
    """Entries and transfers are the ledger's history: never changed or deleted."""


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者积分")
    STATION_POOL = "station_pool", _("站点公益积分池")
    # Where earned points come from and spent points go back to: its balance is minus the
    # points in circulation.
    ISSUER = "issuer", _("时间银行")


class PointAccount(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=AccountKind.choices)
    volunteer = models.OneToOneField(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_account",
    )
    station = models.OneToOneField(
        "stations.StationPage",
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_pool",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="volunteer", volunteer__isnull=False, station__isnull=True)
                    | models.Q(kind="station_pool", station__isnull=False, volunteer__isnull=True)
                    | models.Q(kind="issuer", station__isnull=True, volunteer__isnull=True)
                ),
                name="point_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="issuer"), name="one_issuer_account"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class TransferKind(models.TextChoices):
    EARN = "earn", _("服务时长获得")
    REVERSE = "reverse", _("更正冲回")
    EXCHANGE = "exchange", _("兑换")
    EXCHANGE_REFUND = "exchange_refund", _("兑换退回")
    DONATE = "donate", _("捐赠")


class PointTransfer(models.Model):
    """One movement of points: its entries sum to zero."""

    wagtail_reference_index_ignore = True

    kind = models.CharField(_("类型"), max_length=16, choices=TransferKind.choices)
    # What the transfer is for, unique, so a retried or concurrent call cannot book it twice
    # ("earn:entry:123", "exchange:45", …).
    key = models.CharField(max_length=64, unique=True)
    memo = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    record = models.ForeignKey(
        "stations.ServiceRecord",
        verbose_name=_("服务记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_transfers",
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.key}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LedgerChanged("A transfer is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerChanged("A transfer is never deleted; book its reversal.")


class PointEntry(models.Model):
    """One side of a transfer: whole points into (positive) or out of (negative) an account."""

    wagtail_reference_index_ignore = True

    transfer = models.ForeignKey(PointTransfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.IntegerField(_("积分"))

    class Meta:
        verbose_name = _("积分分录")
        verbose_name_plural = _("积分分录")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="point_entry_not_zero")
        ]
        indexes = [models.Index(fields=["account", "transfer"], name="point_entry_account_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LedgerChanged("An entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerChanged("An entry is never deleted.")


class ExchangeItem(models.Model):
    """Something a station offers for points (a service, a small gift, a course place)."""

    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("站点"),
        on_delete=models.CASCADE,
        related_name="exchange_items",
    )
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("所需积分"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("兑换项目")
        verbose_name_plural = _("兑换项目")
        ordering = ["station", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=1), name="exchange_item_points")
        ]

    def __str__(self):
        return self.name


class ExchangeStatus(models.TextChoices):
    PENDING = "pending", _("待领取")
    HANDED_OVER = "handed_over", _("已领取")
    CANCELLED = "cancelled", _("已取消")


class PointExchange(models.Model):
    """A volunteer's exchange of points for an item, handed over at the station."""

    item = models.ForeignKey(
        ExchangeItem, verbose_name=_("兑换项目"), on_delete=models.PROTECT, related_name="exchanges"
    )
    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    points = models.PositiveIntegerField(_("积分"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ExchangeStatus.choices, default=ExchangeStatus.PENDING
    )
    created_at = models.DateTimeField(_("兑换时间"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.item} · {self.get_status_display()}"
