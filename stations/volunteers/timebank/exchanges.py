"""Exchanging points for a station's items, handing them over, cancelling (points refunded and
the item back in stock). Rows are locked exchange, item, then account, as everywhere."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import (
    ExchangeItem,
    ExchangeStatus,
    PointExchange,
    ServiceLevelSettings,
    TransferKind,
)
from stations.volunteers.levels import confirmed_hours, level_for, level_name
from stations.volunteers.timebank.inputs import PointsRefused
from stations.volunteers.timebank.ledger import (
    TITLE_IN_MEMO,
    account_for_volunteer,
    balance,
    book,
    by_user,
    issuer,
    lock,
    rules,
)


def exchange_opens_at(volunteer, limits: ServiceLevelSettings | None = None) -> int | None:
    """The level exchange needs, if the volunteer has not reached it yet (None: open)."""
    limits = limits or rules()
    if not limits.exchange_level:
        return None
    level = level_for(confirmed_hours(volunteer), limits.thresholds())
    return limits.exchange_level if level < limits.exchange_level else None


def exchange(*, volunteer, item, expected_points=None, now=None) -> PointExchange:
    """Exchange points for one of the item; `expected_points`, the price the volunteer
    confirmed, refuses the exchange if the station has changed it since."""
    now = now or timezone.now()
    with transaction.atomic():
        item = (
            ExchangeItem.objects.select_for_update(of=("self",))
            .select_related("station")
            .filter(pk=item.pk)
            .first()
        )
        if item is None or not item.active or not item.station.live:
            raise PointsRefused(_("这个兑换项目已下架。"), "inactive")
        if item.stock < 1:
            raise PointsRefused(_("“%(item)s”已经兑完了。") % {"item": item.name}, "stock")
        if expected_points is not None and expected_points != item.points:
            raise PointsRefused(
                _("“%(item)s”所需积分已改为 %(points)s，请重新确认。")
                % {"item": item.name, "points": item.points},
                "price",
            )
        needed = exchange_opens_at(volunteer, rules())
        if needed is not None:
            raise PointsRefused(
                _("积分兑换在达到%(level)s后开放。") % {"level": level_name(needed)}, "level"
            )
        account, bank = account_for_volunteer(volunteer=volunteer), issuer()
        lock(account)
        have = balance(account)
        if have < item.points:
            raise PointsRefused(
                _("积分不足：兑换需要 %(points)s 积分，您的余额是 %(have)s 积分。")
                % {"points": item.points, "have": have},
                "balance",
            )
        ExchangeItem.objects.filter(pk=item.pk, stock__gte=1).update(stock=F("stock") - 1)
        made = PointExchange.objects.create(
            item=item, volunteer=volunteer, points=item.points, created_at=now
        )
        book(
            kind=TransferKind.EXCHANGE,
            key=f"exchange:{made.pk}",
            memo=_("兑换“%(item)s”（%(station)s）")
            % {"item": item.name, "station": item.station.title[:TITLE_IN_MEMO]},
            moves=[(account, -item.points), (bank, item.points)],
            at=now,
        )
        return made


def _locked_pending(exchange_) -> PointExchange:
    locked = PointExchange.objects.select_for_update().filter(pk=exchange_.pk).first()
    if locked is None or locked.status != ExchangeStatus.PENDING:
        status = locked.get_status_display() if locked else _("已删除")
        raise PointsRefused(_("这次兑换%(status)s，不能再更改。") % {"status": status}, "done")
    return locked


def hand_over(*, exchange, by, now=None) -> PointExchange:
    """The station hands the item over: the exchange is done (the caller checked `by` may)."""
    with transaction.atomic():
        locked = _locked_pending(exchange)
        locked.status = ExchangeStatus.HANDED_OVER
        locked.handed_over_at = now or timezone.now()
        locked.decided_by = by_user(by)
        locked.save(update_fields=["status", "handed_over_at", "decided_by"])
        return locked


def cancel_exchange(*, exchange, by=None, volunteer=None, now=None) -> PointExchange:
    """A pending exchange cancelled, by the station (`by`) or its volunteer: points refunded,
    the item back in stock."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_pending(exchange)
        if volunteer is not None and locked.volunteer_id != volunteer.pk:
            raise PointsRefused(_("找不到这次兑换。"), "not_found")
        item = ExchangeItem.objects.select_for_update().get(pk=locked.item_id)
        account, bank = account_for_volunteer(volunteer=locked.volunteer), issuer()
        lock(account)
        ExchangeItem.objects.filter(pk=item.pk).update(stock=F("stock") + 1)
        locked.status = ExchangeStatus.CANCELLED
        locked.cancelled_at = now
        locked.decided_by = by_user(by)
        locked.save(update_fields=["status", "cancelled_at", "decided_by"])
        # A refund gives the volunteer's own points back, so the balance cap does not cut it.
        book(
            kind=TransferKind.EXCHANGE_REFUND,
            key=f"refund:{locked.pk}",
            memo=_("取消兑换“%(item)s”，退回积分") % {"item": item.name},
            moves=[(bank, -locked.points), (account, locked.points)],
            at=now,
            by=by_user(by),
        )
        return locked
