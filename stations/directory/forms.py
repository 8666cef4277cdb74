"""The directory's GET form: filters, a place to measure from, and the areas its selects offer.

Every field is optional and every value is checked; a bad one becomes a message, never an error.
"""

from dataclasses import dataclass, replace
from html import escape

from django import forms
from django.db.models import Avg, Count
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from home.base.filters import AsciiFloatField, QuickSelect, ZeroOneField, pick_one
from home.base.inputs import parse_id
from stations.coords import COORDINATE_SYSTEMS
from stations.directory.nearby import public_stations
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
    # Where a community without a centre of its own is measured from: "stations" (the middle of
    # its stations) or "street" (its street's centre); "" for an area's own centre.
    centre_from: str = ""

    @property
    def has_centre(self) -> bool:
        return self.latitude is not None and self.longitude is not None


_NODE_FIELDS = ("pk", "name", "level", "parent_id", "latitude", "longitude")


def near_area_id(params) -> int | None:
    return parse_id(params.get("near"))


class AreaTree:
    """The districts, streets and communities the directory's selects offer.

    Every community is offered, under its street, in the one "near" select (no page is needed to
    reach them, and it works without JavaScript; area-picker.js turns it into a street select
    and a select of that street's communities). One query; the chosen community's stations are
    averaged, one more, only when it has no centre of its own.
    """

    def __init__(self, *, near_id: int | None = None):
        rows = Area.objects.order_by("sort_order", "name").values_list(*_NODE_FIELDS)
        self.areas = {row[0]: AreaNode(*row) for row in rows}
        self.children: dict[int | None, list[AreaNode]] = {}
        for area in self.areas.values():
            self.children.setdefault(area.parent_id, []).append(area)
        chosen = self.areas.get(near_id) if near_id is not None else None
        if chosen is not None and chosen.level == AreaLevel.COMMUNITY and not chosen.has_centre:
            self.areas[chosen.pk] = self._estimated_centre(chosen)

    def _estimated_centre(self, community: AreaNode) -> AreaNode:
        """A community without a centre is measured from the middle of its public stations, or
        else from its street's centre; the form says which."""
        middle = (
            public_stations()
            .filter(community_id=community.pk)
            .aggregate(lat=Avg("latitude"), lng=Avg("longitude"), count=Count("pk"))
        )
        if middle["count"]:
            return replace(
                community, latitude=middle["lat"], longitude=middle["lng"], centre_from="stations"
            )
        street = self.areas.get(community.parent_id)
        if street is not None and street.has_centre:
            return replace(
                community,
                latitude=street.latitude,
                longitude=street.longitude,
                centre_from="street",
            )
        return community

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

    def _offered(self, community: AreaNode, street: AreaNode) -> bool:
        # Without a centre of its own a community is measured from its stations or its street.
        return community.has_centre or street.has_centre or bool(community.centre_from)

    def near_choices(self):
        """Streets grouped by district, each followed by its communities (石牌街 · 龙口西社区).

        A street is offered when it has a centre or communities to choose from."""
        groups = []
        for district in self.districts():
            options = []
            for street in self._of_level(district.pk, AreaLevel.STREET):
                communities = [
                    (str(c.pk), f"{street.name} · {c.name}")
                    for c in self._of_level(street.pk, AreaLevel.COMMUNITY)
                    if self._offered(c, street)
                ]
                if street.has_centre or communities:
                    options.append((str(street.pk), street.name))
                options.extend(communities)
            if options:
                groups.append((district.name, options))
        return [("", _("请选择街道或社区"))] + groups

    def street_of(self) -> dict[str, str]:
        """{community id: its street's id}, as the near select's options carry them."""
        return {
            str(area.pk): str(area.parent_id)
            for area in self.areas.values()
            if area.level == AreaLevel.COMMUNITY and area.parent_id is not None
        }

    def name_of(self, area: AreaNode) -> str:
        """石牌街 · 龙口西社区 for a community, 石牌街 for a street."""
        parent = self.areas.get(area.parent_id)
        if area.level == AreaLevel.COMMUNITY and parent is not None:
            return f"{parent.name} · {area.name}"
        return area.name


class NearSelect(QuickSelect):
    """The near select, its community options marked with their street (data-street), so
    area-picker.js can offer a street's communities once the street is chosen."""

    def __init__(self, *args, street_of: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.street_of = street_of or {}

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        # Plain string joins: a city's few thousand communities render in a few milliseconds
        # (format_html per option takes several times as long).

        def option(key, label) -> str:
            key = str(key)
            street = self.street_of.get(key)
            marks = f' data-street="{escape(street)}"' if street else ""
            marks += " selected" if key in selected else ""
            return f'<option value="{escape(key)}"{marks}>{escape(str(label))}</option>'

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(k, text) for k, text in label)
                parts.append(f'<optgroup label="{escape(str(key))}">{inner}</optgroup>')
            else:
                parts.append(option(key, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # every part escaped above
        )


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
        near = self.fields["near"]
        near.widget = NearSelect(
            attrs={
                # area-picker.js's words for its two selects.
                "data-area-picker": "",
                "data-street-label": _("我所在的街道（镇）"),
                "data-community-label": _("我所在的社区（村）"),
                "data-choose-street": _("请选择街道（镇）"),
                "data-street-first": _("社区（村）：请先选街道"),
                "data-whole-street": _("整个街道（镇）"),
                "data-no-community": _("没有可选的社区"),
            },
            street_of=areas.street_of(),
        )
        near.choices = areas.near_choices()

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (
            (lat is None) != (lng is None)
            and not self.has_error("lat")
            and not (self.has_error("lng"))
        ):
            self.add_error("lat", _("位置不完整：纬度和经度要一起提供，已按默认顺序列出站点。"))
        near = self.area_tree.areas.get(data.get("near"))
        if near is not None and near.centre_from:
            # Said beside the list, which is still sorted: a notice, not a refusal.
            self.add_error(None, self._estimate_notice(near))
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

    def _estimate_notice(self, area: AreaNode) -> str:
        if area.centre_from == "stations":
            return _("“%(name)s”还没有登记中心位置，这里按该社区各站点的平均位置计算距离。") % {
                "name": area.name
            }
        street = self.area_tree.areas[area.parent_id]
        return _("“%(name)s”还没有登记中心位置，这里按所在街道“%(street)s”的中心计算距离。") % {
            "name": area.name,
            "street": street.name,
        }
