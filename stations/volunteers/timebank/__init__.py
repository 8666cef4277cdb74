"""时间银行: the points ledger's rules (its rows: stations/volunteers/models/timebank.py).

- A balance is the sum of an account's entries, read under the account's row lock; every
  transfer's entries sum to zero, so the issuer's balance is minus the points in circulation.
- Confirmed hours earn floor(hours × TIMEBANK_POINTS_PER_HOUR) points. `settle_record` keeps a
  record's points in line with its hours: when they differ it reverses the record's open earn
  and earns afresh. The earn is cut so the balance stays within ServiceLevelSettings.balance_cap;
  a reversal larger than the balance (points already spent) stops at 0. Either way the memo says
  so, and the transfer is booked even when it moves nothing (no entries), so the decision is
  remembered and never taken again: a transfer's key names the record's step
  (`earn:<record>:<n>`, n its count of ServiceRecordEntry rows), and a retried call finds it.
- Each function is one transaction. Rows are locked in one order everywhere (exchange, item,
  then accounts by pk), so parallel requests queue instead of deadlocking, no point is spent
  twice and no balance or stock goes below zero. The issuer's row is never locked: nothing reads
  its balance to decide, and locking it would queue every transfer in the city behind one row.
- A refusal is PointsRefused with a message for the volunteer; it changes nothing.

Split by CONVENTIONS' size rule: ledger.py (accounts, booking, earning), exchanges.py,
donations.py, inputs.py (what a volunteer types); everything is imported from here.
"""

from stations.volunteers.timebank.donations import donate
from stations.volunteers.timebank.exchanges import (
    cancel_exchange,
    exchange,
    exchange_opens_at,
    hand_over,
)
from stations.volunteers.timebank.inputs import (
    MAX_POINTS,
    PointsRefused,
    parse_points,
    parse_target,
)
from stations.volunteers.timebank.ledger import (
    account_for_volunteer,
    balance,
    issuer,
    points_for,
    pool_for_station,
    rules,
    settle_record,
)

__all__ = [
    "MAX_POINTS",
    "PointsRefused",
    "account_for_volunteer",
    "balance",
    "cancel_exchange",
    "donate",
    "exchange",
    "exchange_opens_at",
    "hand_over",
    "issuer",
    "parse_points",
    "parse_target",
    "points_for",
    "pool_for_station",
    "rules",
    "settle_record",
]
