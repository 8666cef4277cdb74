"""What a volunteer types to donate points, by the input policy (home/base/inputs.py): the points
(a positive whole number; full-width digits fold, "1.5", "-3", "0" and "1e3" are refused) and
the recipient (a 志愿者编号, stations/numbers.py, or a live station's 公益积分池)."""

from django.utils.translation import gettext as _

from home.base.inputs import ascii_number, parse_id, parse_int, text_problem
from stations.models import StationPage, Volunteer
from stations.numbers import parse_number

# The most one donation may move: the highest balance cap editors can set.
MAX_POINTS = 10_000_000


class PointsRefused(ValueError):
    """A points operation that was not done, and why, for the volunteer; nothing changed."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def parse_points(raw) -> int:
    """Whole points from 1 to MAX_POINTS, as typed ("１００" is 100) or as an int."""
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, int):
        raw = str(raw)
    text = ascii_number(raw)
    if text is None:
        if raw is None or not str(raw).strip():
            raise PointsRefused(_("请填写要捐赠的积分，如 10。"), "points")
        raise PointsRefused(_("积分请用数字填写，如 10。"), "points")
    if text.startswith("-"):
        raise PointsRefused(_("捐赠的积分须为正整数，不能是负数。"), "points")
    if "." in text:
        raise PointsRefused(_("积分须为整数，不能有小数。"), "points")
    value = parse_int(text.lstrip("+"), max_digits=len(str(MAX_POINTS)) + 1)
    if value is None or value > MAX_POINTS:
        raise PointsRefused(_("一次最多捐赠 %(max)s 积分。") % {"max": f"{MAX_POINTS:,}"}, "points")
    if value < 1:
        raise PointsRefused(_("至少捐赠 1 积分。"), "points")
    return value


def parse_target(*, volunteer, number=None, station=None):
    """(recipient volunteer, None) or (None, station) for the donation's recipient."""
    given_number = number is not None and str(number).strip() != ""
    if given_number == (station is not None and station != ""):
        raise PointsRefused(_("请选择捐赠给一位志愿者，或者一个站点的公益积分池。"), "target")
    if given_number:
        problem = text_problem(str(number))
        if problem:
            raise PointsRefused(problem, "number")
        parsed = parse_number(number)
        if parsed is None:
            raise PointsRefused(
                _("志愿者编号有误，请核对：编号是 V 加 10 位数字，如 V3859201749。"), "number"
            )
        if parsed == volunteer.number:
            raise PointsRefused(_("不能捐赠给自己。"), "self")
        recipient = Volunteer.objects.active().filter(number=parsed).first()
        if recipient is None:
            raise PointsRefused(
                _("没有找到志愿者编号为 %(n)s 的志愿者。") % {"n": parsed}, "number"
            )
        return recipient, None
    station_id = station.pk if isinstance(station, StationPage) else parse_id(station)
    found = StationPage.objects.live().filter(pk=station_id).first() if station_id else None
    if found is None:
        raise PointsRefused(_("找不到这个站点，请从列表中选择。"), "station")
    return None, found
