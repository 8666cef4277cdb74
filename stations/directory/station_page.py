"""What a station's own page shows of the station itself (its checklist, teams and photos),
read in a fixed number of queries; the features add their parts through hooks."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from home.base import references
from stations import standard
from stations.models import StandardCheck, StationPage, StationPhoto, VolunteerTeam


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

    @property
    def images(self) -> list:
        """The evidence images and photos shown, for their renditions to be read in one query
        (with the rest of the page's: StationPage.get_context)."""
        evidence = [row.check.evidence_image for row in self.checklist if row.check]
        return [image for image in evidence if image] + [photo.image for photo in self.photos]


# The references the page and its JSON-LD name: its type, street, district and community.
REFERENCES = StationPage.routing_select_related


def read_references(station: StationPage) -> None:
    """Put the station's type and areas on it, read in one query."""
    references.read_references(station, REFERENCES)


def station_profile(*, station: StationPage) -> StationProfile:
    # A fixed number of queries however many checks, teams and photos; the images' renditions
    # are read by the page with the others it shows (StationProfile.images).
    checks = list(
        station.standard_checks.select_related("evidence_image", "evidence_document").order_by(
            "sort_order"
        )
    )
    by_item = {check.item: check for check in checks}
    teams = list(station.teams.select_related("parent").order_by("level", "sort_order"))
    photos = list(station.photos.select_related("image").order_by("sort_order"))
    # The page's sharing image (StationPage.sharing_image) reads these rather than asking again.
    station.photos_in_order = photos
    # The template and the JSON-LD both read them.
    read_references(station)
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
