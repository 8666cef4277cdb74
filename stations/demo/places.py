"""Where the demo stations are: Guangzhou's districts and streets, and one plan per station."""

import json
from dataclasses import dataclass
from pathlib import Path

from stations.demo.content import TYPE_PROFILES, TYPE_ROTATION
from stations.models import Area, AreaLevel

DATA_FILE = Path(__file__).parent / "guangzhou.json"


def _load_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


# --- reference data ---------------------------------------------------------------------------


def ensure_areas(report) -> dict[str, Area]:
    """Districts, streets and a few communities; keyed by '区', '区/街' and '区/街/社区'."""
    data = _load_data()
    areas: dict[str, Area] = {}

    def ensure(key, *, name, level, parent=None, lat=None, lng=None, code="", order=100):
        area, created = Area.objects.get_or_create(
            parent=parent,
            name=name,
            defaults=dict(
                level=level, latitude=lat, longitude=lng, code=code, sort_order=order, is_demo=True
            ),
        )
        if created:
            report.record(True, f"区域 {area.full_name}")
        areas[key] = area
        return area

    for d_order, district in enumerate(data["districts"], start=1):
        lat, lng = district["centre"]
        d = ensure(
            district["name"],
            name=district["name"],
            level=AreaLevel.DISTRICT,
            lat=lat,
            lng=lng,
            code=district["code"],
            order=d_order,
        )
        for s_order, (name, _slug, s_lat, s_lng) in enumerate(district["streets"], start=1):
            ensure(
                f"{district['name']}/{name}",
                name=name,
                level=AreaLevel.STREET,
                parent=d,
                lat=s_lat,
                lng=s_lng,
                order=s_order,
            )
    for district, street, name, lat, lng in data["communities"]:
        ensure(
            f"{district}/{street}/{name}",
            name=name,
            level=AreaLevel.COMMUNITY,
            parent=areas[f"{district}/{street}"],
            lat=lat,
            lng=lng,
        )
    return areas


@dataclass
class StationPlan:
    slug: str
    title: str
    type_name: str
    district: str
    street: str
    lat: float
    lng: float
    community: str | None = None


def plan_stations() -> list[StationPlan]:
    """Which demo stations exist: three or four per district, a mix of types, fixed positions."""
    data = _load_data()
    communities = {(c[0], c[1]): c for c in data["communities"]}
    plans = []
    for district in data["districts"]:
        streets = district["streets"]
        count = 4 if district["name"] in ("天河区", "越秀区", "海珠区") else 3
        for index in range(count):
            name, slug, lat, lng = streets[index]
            type_name = TYPE_ROTATION[index % len(TYPE_ROTATION)]
            community = communities.get((district["name"], name))
            # A small, fixed offset from the street's centre so stations do not sit on top of it.
            offset = ((index % 3) - 1) * 0.0021, ((index % 2) * 2 - 1) * 0.0017
            plans.append(
                StationPlan(
                    slug=f"{district['slug']}-{slug}-{index + 1}",
                    title=TYPE_PROFILES[type_name]["title"].format(
                        street=name, district=district["name"]
                    ),
                    type_name=type_name,
                    district=district["name"],
                    street=name,
                    lat=round(lat + offset[0], 6),
                    lng=round(lng + offset[1], 6),
                    community=community[2] if community else None,
                )
            )
        # Each district's library is a public cultural facility with a volunteer station.
        name, slug, lat, lng = streets[-1]
        plans.append(
            StationPlan(
                slug=f"{district['slug']}-library",
                title=TYPE_PROFILES["公共文化设施志愿服务站点"]["title"].format(
                    street=name, district=district["name"]
                ),
                type_name="公共文化设施志愿服务站点",
                district=district["name"],
                street=name,
                lat=round(lat + 0.0012, 6),
                lng=round(lng - 0.0015, 6),
            )
        )
    return plans
