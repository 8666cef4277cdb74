"""What a station's own page shows of the station itself (its checklist, teams and photos),
read in a fixed number of queries; the features add their parts through hooks."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stations import standard
from stations.models import Area, StandardCheck, StationPage, StationPhoto, VolunteerTeam


@dataclass
class ChecklistRow:
    item: standard.StandardItem
    check: StandardCheck | None

    @property
    def holds(self) -> bool:
        return bool(self.check and self.check.holds and not self.check.is_stale)

    @property
    def status(self) -> str:
        if self.check is None or not self.check.holds:
            return str(_("未具备"))
        if self.check.is_stale:
            return str(_("核查已过期"))
        return str(_("已具备"))


@dataclass
class StationProfile:
    assessment: standard.Assessment
    checklist: list[ChecklistRow]
    teams: list[VolunteerTeam]
    photos: list[StationPhoto]
    # Where the directory lists the stations nearest this one.
    nearby_url: str


def station_profile(*, station: StationPage) -> StationProfile:
    # Renditions are prefetched so a page with many photos costs no more queries than one.
    checks = list(
        station.standard_checks.select_related("evidence_image", "evidence_document")
        .prefetch_related("evidence_image__renditions")
        .order_by("sort_order")
    )
    by_item = {check.item: check for check in checks}
    teams = list(station.teams.select_related("parent").order_by("level", "sort_order"))
    photos = list(
        station.photos.select_related("image")
        .prefetch_related("image__renditions")
        .order_by("sort_order")
    )
    # The page's sharing image (StationPage.sharing_image) reads these rather than asking again.
    station.photos_in_order = photos
    # Street and district in one query; the template and the JSON-LD both read them.
    areas = Area.objects.in_bulk([pk for pk in (station.street_id, station.district_id) if pk])
    if station.street_id in areas:
        station.street = areas[station.street_id]
    if station.district_id in areas:
        station.district = areas[station.district_id]
    index_url = station.get_parent().url
    return StationProfile(
        assessment=standard.assess(checks),
        checklist=[
            ChecklistRow(item=item, check=by_item.get(item.value)) for item in standard.ITEMS
        ],
        teams=teams,
        photos=photos,
        nearby_url=f"{index_url}?lat={station.latitude:.6f}&lng={station.longitude:.6f}",
    )
