"""The directory's GET form: filters, a place to measure from, and the areas its selects offer.

Every field is optional and every value is checked; a bad one becomes a message, never an error.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from home.base.filters import AsciiFloatField, ZeroOneField, pick_one
from home.base.inputs import parse_id
from stations.coords import COORDINATE_SYSTEMS
from stations.models import Area, AreaLevel, StationType

FILTER_FIELDS = ("district", "street", "type", "meets_standard")
LOCATION_FIELDS = ("near", "lat", "lng", "crs")


@dataclass(frozen=True, slots=True)
class AreaNode:
    pk: int
    name: str
    level: str
    parent_id: int | None
    latitude: float | None
    longitude: float | None

    @property
    def has_centre(self) -> bool:
        return self.latitude is not None and self.longitude is not None


_NODE_FIELDS = ("pk", "name", "level", "parent_id", "latitude", "longitude")


def near_area_id(params) -> int | None:
    return parse_id(params.get("near"))


class AreaTree:
    """The districts and streets, and the communities of the street chosen as `near`.

    A city has thousands of communities; listing them all would make every visit to /stations/
    download a few hundred kilobytes of options. So the "near" list offers streets, and once one
    is chosen, that street's communities under it for a closer starting point. Two queries.
    """

    def __init__(self, *, near_id: int | None = None):
        areas = Area.objects.order_by("sort_order", "name")
        wanted = Q(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET])
        if near_id is not None:
            # The chosen street's communities, or the chosen community and its siblings.
            community_parent = Area.objects.filter(pk=near_id, level=AreaLevel.COMMUNITY)
            wanted |= Q(level=AreaLevel.COMMUNITY) & (
                Q(parent_id=near_id) | Q(parent_id__in=community_parent.values("parent_id"))
            )
        rows = areas.filter(wanted).values_list(*_NODE_FIELDS)
        self.areas = {row[0]: AreaNode(*row) for row in rows}
        self.children: dict[int | None, list[AreaNode]] = {}
        for area in self.areas.values():
            self.children.setdefault(area.parent_id, []).append(area)

    def _of_level(self, parent_id, level) -> list[AreaNode]:
        return [a for a in self.children.get(parent_id, []) if a.level == level]

    def districts(self) -> list[AreaNode]:
        return self._of_level(None, AreaLevel.DISTRICT)

    def district_choices(self):
        return [("", _("全部区"))] + [(str(d.pk), d.name) for d in self.districts()]

    def street_choices(self):
        groups = []
        for district in self.districts():
            streets = self._of_level(district.pk, AreaLevel.STREET)
            if streets:
                groups.append((district.name, [(str(s.pk), s.name) for s in streets]))
        return [("", _("全部街道（镇）"))] + groups

    def near_choices(self):
        """Streets with a centre grouped by district, the loaded communities under their street."""
        groups = []
        for district in self.districts():
            options = []
            for street in self._of_level(district.pk, AreaLevel.STREET):
                communities = [
                    (str(c.pk), f"{street.name} · {c.name}")
                    for c in self._of_level(street.pk, AreaLevel.COMMUNITY)
                    if c.has_centre
                ]
                if street.has_centre or communities:
                    options.append((str(street.pk), street.name))
                options.extend(communities)
            if options:
                groups.append((district.name, options))
        return [("", _("请选择街道或社区"))] + groups

    def name_of(self, area: AreaNode) -> str:
        """石牌街 · 龙口西社区 for a community, 石牌街 for a street."""
        parent = self.areas.get(area.parent_id)
        if area.level == AreaLevel.COMMUNITY and parent is not None:
            return f"{parent.name} · {area.name}"
        return area.name


def coordinate(part, bound: int):
    """A hidden latitude or longitude from the map or the browser; a bad one is reported and the
    list falls back to its default order."""
    out_of_range = format_lazy(
        _("位置的{part}应在 -{bound} 到 {bound} 之间，已按默认顺序列出站点。"),
        part=part,
        bound=bound,
    )
    return AsciiFloatField(
        required=False,
        min_value=-bound,
        max_value=bound,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": format_lazy(_("位置的{part}不是数字，已按默认顺序列出站点。"), part=part),
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class StationDirectoryForm(forms.Form):
    district = pick_one(_("区"), _("没有这个区，请从列表中选择。"))
    street = pick_one(_("街道（镇）"), _("没有这个街道（镇），请从列表中选择。"))
    type = pick_one(_("站点类型"), _("没有这个站点类型，请从列表中选择。"))
    meets_standard = ZeroOneField(
        label=_("只看“七个有”达标的站点"),
        error_messages={"invalid": _("“只看达标站点”只能是 0 或 1。")},
    )
    near = pick_one(_("我在这个街道或社区"), _("没有这个街道或社区，请从列表中选择。"))
    lat = coordinate(_("纬度"), 90)
    lng = coordinate(_("经度"), 180)
    crs = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(system, system) for system in COORDINATE_SYSTEMS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("不认识这个坐标系，已按默认顺序列出站点。")},
    )

    def __init__(self, *args, areas: AreaTree, types: list[StationType], **kwargs):
        super().__init__(*args, **kwargs)
        self.area_tree = areas
        self.fields["district"].choices = areas.district_choices()
        self.fields["street"].choices = areas.street_choices()
        self.fields["type"].choices = [("", _("全部类型"))] + [(str(t.pk), t.name) for t in types]
        self.fields["near"].choices = areas.near_choices()

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (
            (lat is None) != (lng is None)
            and not self.has_error("lat")
            and not (self.has_error("lng"))
        ):
            self.add_error("lat", _("位置不完整：纬度和经度要一起提供，已按默认顺序列出站点。"))
        district, street = data.get("district"), data.get("street")
        if district and street:
            street_area = self.area_tree.areas[street]
            if street_area.parent_id != district:
                self.add_error(
                    "street",
                    _("“%(street)s”不在“%(district)s”，没有同时符合两个条件的站点。")
                    % {
                        "street": street_area.name,
                        "district": self.area_tree.areas[district].name,
                    },
                )
        return data
