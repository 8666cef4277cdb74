"""Donating points (二次公益): to another volunteer, by their 志愿者编号, or to a live station's
公益积分池. The giver's and recipient's accounts are locked in pk order before either balance
is read, so parallel donations never take a balance below zero."""

import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import PointTransfer, TransferKind
from stations.volunteers.timebank.inputs import PointsRefused, parse_points, parse_target
from stations.volunteers.timebank.ledger import (
    TITLE_IN_MEMO,
    account_for_volunteer,
    balance,
    book,
    lock,
    pool_for_station,
    rules,
)

TOKEN = re.compile(r"[0-9a-f]{32}")


def donate(
    *, volunteer, to_volunteer_number=None, to_station=None, points, token=None, now=None
) -> PointTransfer:
    """Give points to another volunteer (by 志愿者编号) or to a live station's 公益积分池.
    `token`, a form's one-time value, makes a repeated submission of one form book once."""
    now = now or timezone.now()
    amount = parse_points(points)
    recipient, station = parse_target(
        volunteer=volunteer, number=to_volunteer_number, station=to_station
    )
    token = token if isinstance(token, str) and TOKEN.fullmatch(token) else uuid.uuid4().hex
    key = f"donate:{volunteer.pk}:{token}"
    with transaction.atomic():
        account, limits = account_for_volunteer(volunteer=volunteer), rules()
        if recipient is not None:
            target = account_for_volunteer(volunteer=recipient)
            memo = _("志愿者 %(giver)s 捐赠给志愿者 %(to)s")
            values = {"giver": volunteer.number, "to": recipient.number}
        else:
            target = pool_for_station(station=station)
            memo = _("志愿者 %(giver)s 捐赠给“%(to)s”公益积分池")
            values = {"giver": volunteer.number, "to": station.title[:TITLE_IN_MEMO]}
        lock(account, target)
        # Checked under the giver's lock: the same form sent twice at once waits here, then
        # finds the first one's transfer.
        done = PointTransfer.objects.filter(key=key).first()
        if done is not None:
            return done
        have = balance(account)
        if have < amount:
            raise PointsRefused(
                _("积分不足：您的余额是 %(have)s 积分。") % {"have": have}, "balance"
            )
        if recipient is not None and balance(target) + amount > limits.balance_cap:
            raise PointsRefused(
                _("对方的积分余额将超过上限（%(cap)s 积分），请少捐一些，或捐给站点公益积分池。")
                % {"cap": limits.balance_cap},
                "cap",
            )
        return book(
            kind=TransferKind.DONATE,
            key=key,
            memo=memo % values,
            moves=[(account, -amount), (target, amount)],
            at=now,
        )
