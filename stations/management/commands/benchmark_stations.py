"""Benchmark the station directory at 10,000 and 100,000 stations and print the figures.

Runs in a throwaway database created the way Django's test runner creates one (a test_… database,
or a temporary SQLite file), so it never touches real data. Works on SQLite (the default) and on
PostgreSQL when DATABASE_URL points at one:

    .venv/bin/python manage.py benchmark_stations
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python manage.py \
        benchmark_stations --sizes 10000,100000

Targets (issue 3): nearest-station p95 at most 5 ms at 100,000 stations; the directory's query
count the same at every size; the map's GeoJSON at most 300 KB gzipped at 10,000 stations.
"""

import datetime
import gzip
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from home.models import HomePage
from portal.benchmarking import (
    analyse_tables,
    bulk_children,
    insert_specific,
    percentile,
    throwaway_database,
)
from stations.coords import lat_band
from stations.directory.mapdata import MapQuery, build_geojson, bump_map_version
from stations.directory.nearby import nearest_ranked, public_stations, stations_near
from stations.models import Area, AreaLevel, StationIndexPage, StationPage, StationType

# Where the generated stations stand: roughly the urban districts of Guangzhou (WGS-84).
LAT_RANGE = (22.95, 23.45)
LNG_RANGE = (113.15, 113.65)
DISTRICTS = ["天河区", "越秀区", "海珠区", "荔湾区", "白云区", "黄埔区", "番禺区", "花都区"]
STREETS_PER_DISTRICT = 16
COMMUNITIES_PER_STREET = 16


class Command(BaseCommand):
    help = "Time nearest-station search, the /stations/ page and the map GeoJSON at scale."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000", help="Station counts, ascending.")
        parser.add_argument("--points", type=int, default=300, help="Nearest searches per size.")
        parser.add_argument("--requests", type=int, default=20, help="Page requests per case.")
        parser.add_argument("--limit", type=int, default=10, help="Stations per nearest search.")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        sizes = sorted({int(size) for size in options["sizes"].split(",") if size.strip()})
        if not sizes or sizes[0] < 1:
            raise CommandError("--sizes needs positive station counts, e.g. 10000,100000.")
        self.random = random.Random(options["seed"])
        self.options = options

        with throwaway_database("benchmark_stations", self.stdout.write):
            self.run(sizes)

    # --- data -----------------------------------------------------------------------------

    def make_tree(self):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="社区志愿服务门户", slug="bench-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测"},
        )
        index = home.add_child(instance=StationIndexPage(title="志愿服务站点", slug="stations"))
        return index

    def make_areas(self) -> list[Area]:
        """Districts, streets and communities with centres, about a big city's worth."""
        rnd = self.random
        districts = Area.objects.bulk_create(
            [
                Area(name=name, level=AreaLevel.DISTRICT, latitude=None, longitude=None)
                for name in DISTRICTS
            ]
        )
        streets = Area.objects.bulk_create(
            [
                Area(
                    name=f"{district.name[:2]}第{n + 1}街道",
                    level=AreaLevel.STREET,
                    parent=district,
                    latitude=rnd.uniform(*LAT_RANGE),
                    longitude=rnd.uniform(*LNG_RANGE),
                )
                for district in districts
                for n in range(STREETS_PER_DISTRICT)
            ]
        )
        Area.objects.bulk_create(
            [
                Area(
                    name=f"{street.name}第{n + 1}社区",
                    level=AreaLevel.COMMUNITY,
                    parent=street,
                    latitude=street.latitude + rnd.gauss(0, 0.01),
                    longitude=street.longitude + rnd.gauss(0, 0.01),
                )
                for street in streets
                for n in range(COMMUNITIES_PER_STREET)
            ]
        )
        return streets

    def add_stations(self, index, streets, types, start: int, count: int):
        """Insert stations `start`+1 … `start`+`count` under the index with bulk inserts."""
        rnd = self.random
        today = timezone.localdate()
        batch = 5000
        for offset in range(start, start + count, batch):
            numbers = range(offset + 1, min(offset + batch, start + count) + 1)
            chosen = [(rnd.choice(streets), rnd.choice(types)) for _ in numbers]
            titles = [
                (number, f"{street.name}{kind.name}{number}号")
                for number, (street, kind) in zip(numbers, chosen, strict=True)
            ]
            # One transaction per batch: in autocommit every row would be a commit of its own.
            with transaction.atomic():
                pages = bulk_children(index, StationPage, titles, "station")
                stations = []
                for page, (street, kind) in zip(pages, chosen, strict=True):
                    valid = rnd.random() < 0.6
                    latitude = street.latitude + rnd.gauss(0, 0.012)
                    stations.append(
                        StationPage(
                            page_ptr_id=page.pk,
                            station_type_id=kind.pk,
                            street_id=street.pk,
                            district_id=street.parent_id,
                            address=f"{street.name}{rnd.randint(1, 400)}号",
                            latitude=latitude,
                            # What StationPage.save() derives; bulk inserts must set it themselves.
                            lat_band=lat_band(latitude),
                            longitude=street.longitude + rnd.gauss(0, 0.012),
                            summary="为社区居民提供便民志愿服务",
                            standard_valid_until=(
                                today + datetime.timedelta(days=rnd.randint(1, 365))
                                if valid
                                else None
                            ),
                        )
                    )
                insert_specific(StationPage, stations)
        Page.objects.filter(pk=index.pk).update(numchild=start + count)
        analyse_tables()

    # --- measurements ---------------------------------------------------------------------

    def time_nearby(self, index, search) -> tuple[list[float], float]:
        """Time `search` (stations_near or nearest_ranked) from random points in the city."""
        rnd = random.Random(self.options["seed"])  # the same points at every size
        timings, queries = [], 0
        for _ in range(self.options["points"]):
            lat, lng = rnd.uniform(*LAT_RANGE), rnd.uniform(*LNG_RANGE)
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                search(lat=lat, lng=lng, limit=self.options["limit"], base=public_stations(index))
                timings.append((time.perf_counter() - started) * 1000)
            queries += len(captured)
        return timings, queries / self.options["points"]

    def time_requests(self, url: str) -> tuple[list[float], int, int]:
        client = Client()
        # Each request clears the query log; start from an empty one so the count is right.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_HOST="localhost")
        # Read now: the captured list is a view of the log the next request clears.
        queries = len(captured)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(self.options["requests"]):
            started = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            timings.append((time.perf_counter() - started) * 1000)
        return timings, queries, len(response.content)

    def run(self, sizes):
        out = self.stdout.write
        index = self.make_tree()
        streets = self.make_areas()
        types = list(StationType.objects.all())
        community = Area.objects.communities().order_by("pk").first()
        out(
            f"database: {connection.vendor} {connection.Database.__name__} "
            f"{'.'.join(map(str, connection.get_database_version()))}"
        )
        out(f"areas: {Area.objects.count()} (near-select options); station types: {len(types)}")

        present = 0
        for size in sizes:
            started = time.perf_counter()
            self.add_stations(index, streets, types, present, size - present)
            # Bulk inserts send no signals: say so, as an import would, or caches keep old counts.
            bump_map_version()
            present = size
            out(f"\n== {size:,} stations (generated in {time.perf_counter() - started:.1f} s)")

            for label, search in [
                ("nearest_ranked (ids, distances)", nearest_ranked),
                ("stations_near (with the pages)", stations_near),
            ]:
                timings, per_search = self.time_nearby(index, search)
                out(
                    f"nearest {self.options['limit']}, {label}, {len(timings)} points: "
                    f"p50 {statistics.median(timings):.2f} ms, "
                    f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms, "
                    f"{per_search:.1f} queries"
                )
            lat, lng = statistics.fmean(LAT_RANGE), statistics.fmean(LNG_RANGE)
            for label, url in [
                ("GET /stations/nearby.json", f"/stations/nearby.json?lat={lat}&lng={lng}"),
                ("GET /stations/", "/stations/"),
                ("GET /stations/?district=…", f"/stations/?district={streets[0].parent_id}"),
                ("GET /stations/?near=<社区>", f"/stations/?near={community.pk}"),
            ]:
                timings, queries, length = self.time_requests(url)
                out(
                    f"{label:28} p50 {statistics.median(timings):7.1f} ms, "
                    f"p95 {percentile(timings, 0.95):7.1f} ms, {queries} SQL queries, "
                    f"{length / 1024:.0f} KB"
                )

            if size == sizes[0] or size == 10_000:
                self.report_geojson(index, size)

    def report_geojson(self, index, size):
        started = time.perf_counter()
        raw = build_geojson(index_page=index, index_url=index.url, query=MapQuery(), system="wgs84")
        built = (time.perf_counter() - started) * 1000
        packed = gzip.compress(raw, compresslevel=6, mtime=0)
        client = Client()
        url = "/stations/map.geojson"
        started = time.perf_counter()
        client.get(url, HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip")
        first = (time.perf_counter() - started) * 1000
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip")
            cached = (time.perf_counter() - started) * 1000
        self.stdout.write(
            f"GeoJSON at {size:,} stations: {len(raw) / 1024:.0f} KB raw, "
            f"{len(packed) / 1024:.0f} KB gzipped (served {len(response.content) / 1024:.0f} KB); "
            f"built uncached in {built:.0f} ms; request uncached {first:.0f} ms, "
            f"cached {cached:.1f} ms with {len(captured)} SQL queries"
        )
