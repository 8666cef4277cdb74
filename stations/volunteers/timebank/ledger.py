"""The ledger itself: accounts, balances, booking a transfer, and earning on confirmed hours
(settle_record). See the package's docstring for the rules."""

from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import (
    AccountKind,
    PointAccount,
    PointEntry,
    PointTransfer,
    RecordStatus,
    ServiceLevelSettings,
    ServiceRecord,
    StationPage,
    TransferKind,
    Volunteer,
)

TITLE_IN_MEMO = 60


def balance(account: PointAccount | None) -> int:
    """The sum of the account's entries (0 for an account not made yet)."""
    if account is None or account.pk is None:
        return 0
    return PointEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0


def _get_or_create(**owner) -> PointAccount:
    found = PointAccount.objects.filter(**owner).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return PointAccount.objects.create(**owner)
    except IntegrityError:  # made meanwhile by a concurrent request: take that one
        return PointAccount.objects.get(**owner)


def account_for_volunteer(*, volunteer: Volunteer) -> PointAccount:
    return _get_or_create(kind=AccountKind.VOLUNTEER, volunteer=volunteer)


def pool_for_station(*, station: StationPage) -> PointAccount:
    return _get_or_create(kind=AccountKind.STATION_POOL, station=station)


def issuer() -> PointAccount:
    return _get_or_create(kind=AccountKind.ISSUER)


def lock(*accounts: PointAccount) -> None:
    """Row locks on the accounts, in pk order (SQLite's IMMEDIATE transactions hold the whole
    database already, see the settings)."""
    ids = sorted({account.pk for account in accounts})
    list(PointAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def book(*, kind, key, memo, moves, at, record=None, by=None) -> PointTransfer:
    """One transfer; `moves` are (account, amount) pairs summing to zero, zeros left out."""
    moves = [(account, amount) for account, amount in moves if amount]
    assert sum(amount for _account, amount in moves) == 0, "a transfer must sum to zero"
    transfer = PointTransfer.objects.create(
        kind=kind, key=key, memo=memo[:200], at=at, record=record, by_user=by
    )
    PointEntry.objects.bulk_create(
        PointEntry(transfer=transfer, account=account, amount=amount) for account, amount in moves
    )
    return transfer


def rules() -> ServiceLevelSettings:
    return ServiceLevelSettings.load()


def by_user(by):
    # Transfers name the admin user who caused them; a volunteer is named in the memo.
    return by if getattr(by, "is_authenticated", False) else None


# --- earning on confirmed hours ------------------------------------------------------------------


def points_for(hours) -> int:
    rate = Decimal(str(getattr(settings, "TIMEBANK_POINTS_PER_HOUR", 1)))
    return int((Decimal(hours) * rate).to_integral_value(rounding=ROUND_FLOOR))


def _step_of(transfer: PointTransfer) -> int:
    return int(transfer.key.rsplit(":", 1)[1])


def _settled_points(record: ServiceRecord, open_earn: PointTransfer | None) -> int:
    """What the open earn was booked for: the points of the record as it stood at that step."""
    if open_earn is None:
        return 0
    entry = record.entries.order_by("pk")[_step_of(open_earn) - 1]
    return points_for(entry.hours) if entry.status == RecordStatus.CONFIRMED else 0


def settle_record(*, record: ServiceRecord, by=None, now=None) -> list[PointTransfer]:
    """Book what the record's confirmed hours call for (nothing when the points already match);
    the transfers booked."""
    now = now or timezone.now()
    with transaction.atomic():
        record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        step = record.entries.count()
        earlier = list(record.point_transfers.order_by("pk"))
        if any(_step_of(transfer) == step for transfer in earlier):
            return []  # this step is settled already: a retry
        # The record's points stand in its latest earn, unless a reversal closed it since.
        open_earn = earlier[-1] if earlier and earlier[-1].kind == TransferKind.EARN else None
        target = points_for(record.confirmed_hours)
        if target == _settled_points(record, open_earn):
            return []
        account, bank, limits = account_for_volunteer(volunteer=record.volunteer), issuer(), rules()
        lock(account)
        title = record.activity_title[:TITLE_IN_MEMO]
        booked = []
        if open_earn is not None:
            booked.append(_reverse(record, open_earn, account, bank, step, title, by, now))
        if target:
            booked.append(_earn(record, target, account, bank, limits, step, title, by, now))
        return booked


def _reverse(record, open_earn, account, bank, step, title, by, now) -> PointTransfer:
    earned = sum(e.amount for e in open_earn.entries.all() if e.account_id == account.pk)
    taken = min(earned, max(balance(account), 0))
    if taken < earned:
        memo = _(
            "“%(title)s”服务记录变更，应冲回原获得的 %(earned)s 积分；其中部分积分已使用，"
            "只冲回 %(taken)s 积分，余额归零"
        )
    else:
        memo = _("“%(title)s”服务记录变更，冲回原获得的 %(earned)s 积分")
    return book(
        kind=TransferKind.REVERSE,
        key=f"reverse:{record.pk}:{step}",
        memo=memo % {"title": title, "earned": earned, "taken": taken},
        moves=[(account, -taken), (bank, taken)],
        at=now,
        record=record,
        by=by_user(by),
    )


def _earn(record, target, account, bank, limits, step, title, by, now) -> PointTransfer:
    room = max(limits.balance_cap - balance(account), 0)
    given = min(target, room)
    hours = f"{record.hours:f}"
    hours = hours.rstrip("0").rstrip(".") if "." in hours else hours  # 120.0 reads "120"
    values = {"title": title, "hours": hours, "target": target, "given": given}
    values["cap"] = limits.balance_cap
    if given == target:
        memo = _("“%(title)s”确认服务时长 %(hours)s 小时，获得 %(target)s 积分")
    elif given:
        memo = _(
            "“%(title)s”确认服务时长 %(hours)s 小时，应得 %(target)s 积分；"
            "积分余额上限为 %(cap)s，只计入 %(given)s 积分"
        )
    else:
        memo = _(
            "“%(title)s”确认服务时长 %(hours)s 小时，应得 %(target)s 积分；"
            "积分余额已达上限 %(cap)s，本次未计入积分"
        )
    return book(
        kind=TransferKind.EARN,
        key=f"earn:{record.pk}:{step}",
        memo=memo % values,
        moves=[(bank, -given), (account, given)],
        at=now,
        record=record,
        by=by_user(by),
    )
