"""Benchmark service records at scale and print the figures (issue 15, item 10).

In a throwaway database (a test_… database, or a temporary SQLite file; never real data):

    .venv/bin/python manage.py benchmark_records
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python manage.py \
        benchmark_records --volunteers 10000 --records 50 --checkins 1000

1. 10,000 volunteers × 50 confirmed records (500,000 records and their entries, the totals the
   public figures read). 我的志愿服务, 我的服务记录 and a station page: SQL queries per request (the
   target is at most 15, the same at every size) and server time, median and p95, through
   Django's test client in this process.
2. The home band's service aggregates at that size: median and p95 (target p95 ≤ 20 ms; read
   from the maintained totals, so the size of the records table does not enter).
3. Parallel check-ins on one activity (PostgreSQL only: SQLite serialises writers, so there is
   nothing to race): `--checkins` volunteers scan at once from a thread pool, each with its own
   connection; prints how many were checked in, lost or doubled, and the rate.
"""

import datetime
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from home.figures import service_figures
from home.models import HomePage
from portal.benchmarking import (
    analyse_tables,
    bulk_children,
    insert_specific,
    percentile,
    throwaway_database,
)
from stations.coords import lat_band
from stations.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityPage,
    ActivityTally,
    Area,
    AreaLevel,
    CheckIn,
    EntryKind,
    HoursBasis,
    RecordStatus,
    ServiceRecord,
    ServiceRecordEntry,
    StationIndexPage,
    StationPage,
    StationType,
    StationVolunteer,
    StationYearHours,
    Volunteer,
    VolunteerHoursTotal,
)
from stations.numbers import check_digit
from stations.volunteers.session import (
    COOKIE_NAME,
    SIGNED_IN_KEY,
    VOLUNTEER_KEY,
    VolunteerSessionStore,
)

STATIONS = 50
ACTIVITIES_PER_STATION = 20
BATCH = 5000


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.1f} ms, p95 {percentile(values, 0.95):6.1f} ms"
        f" (n={len(values)})"
    )


class Command(BaseCommand):
    help = "Time 我的志愿服务, a station page and the home band at 500,000 records; race check-ins."

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=10000)
        parser.add_argument("--records", type=int, default=50, help="Records per volunteer.")
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--checkins", type=int, default=1000, help="Parallel check-ins.")
        parser.add_argument("--threads", type=int, default=32)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if options["volunteers"] < 1 or not 1 <= options["records"] <= STATIONS * 20:
            raise CommandError("--volunteers must be positive and --records 1 to 1000.")
        self.options = options
        self.random = random.Random(options["seed"])
        with throwaway_database("benchmark_records", self.stdout.write):
            self.run()

    # --- data ---------------------------------------------------------------------------------

    def make_tree(self):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="社区志愿服务门户", slug="bench-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测"},
        )
        stations_index = home.add_child(instance=StationIndexPage(title="站点", slug="stations"))
        activities_index = home.add_child(
            instance=ActivityIndexPage(title="活动", slug="activities")
        )
        district = Area.objects.create(name="天河区", level=AreaLevel.DISTRICT)
        street = Area.objects.create(
            name="石牌街道",
            level=AreaLevel.STREET,
            parent=district,
            latitude=23.13,
            longitude=113.34,
        )
        kind = StationType.objects.first() or StationType.objects.create(name="志愿服务站")
        self.category = ActivityCategory.objects.first() or ActivityCategory.objects.create(
            name="社区服务"
        )
        return stations_index, activities_index, street, kind

    def add_stations(self, index, street, kind) -> list[StationPage]:
        titles = [(n, f"石牌第{n}志愿服务站") for n in range(1, STATIONS + 1)]
        with transaction.atomic():
            pages = bulk_children(index, StationPage, titles, "station")
            stations = [
                StationPage(
                    page_ptr_id=page.pk,
                    station_type_id=kind.pk,
                    street_id=street.pk,
                    district_id=street.parent_id,
                    address="石牌路1号",
                    latitude=23.13,
                    longitude=113.34,
                    lat_band=lat_band(23.13),
                    summary="便民服务",
                )
                for page in pages
            ]
            insert_specific(StationPage, stations)
        Page.objects.filter(pk=index.pk).update(numchild=STATIONS)
        return list(StationPage.objects.order_by("pk"))

    def add_activities(self, index, stations) -> list[ActivityPage]:
        """Past activities, 20 per station, over the last two years: 3 hours each."""
        today = timezone.localdate()
        plans = []
        for n in range(1, STATIONS * ACTIVITIES_PER_STATION + 1):
            day = today - datetime.timedelta(days=3 + (n * 7) % 700)
            starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9))
            plans.append((n, stations[(n - 1) % STATIONS], starts))
        with transaction.atomic():
            pages = bulk_children(
                index, ActivityPage, [(n, f"社区服务活动{n}") for n, _s, _t in plans], "activity"
            )
            insert_specific(
                ActivityPage,
                [
                    ActivityPage(
                        page_ptr_id=page.pk,
                        station_id=station.pk,
                        category_id=self.category.pk,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=3),
                        capacity=2000,
                        summary="清洁家园",
                    )
                    for page, (_n, station, starts) in zip(pages, plans, strict=True)
                ],
            )
            ActivityTally.objects.bulk_create([ActivityTally(activity_id=p.pk) for p in pages])
        Page.objects.filter(pk=index.pk).update(numchild=len(plans))
        return list(ActivityPage.objects.order_by("pk"))

    def add_volunteers(self, count: int) -> list[Volunteer]:
        now = timezone.now()
        people = []
        for n in range(count):
            digits = f"{n:09d}"
            people.append(
                Volunteer(
                    number=f"V{digits}{check_digit(digits)}",
                    mobile=f"139{n:08d}",
                    name=f"志愿者{n}",
                    created_at=now,
                    verified_at=now,
                )
            )
        Volunteer.objects.bulk_create(people, batch_size=BATCH)
        return list(Volunteer.objects.order_by("pk"))

    def add_records(self, volunteers, activities) -> int:
        """Each volunteer's records at `--records` distinct activities, confirmed, with the
        totals stations/hours.py would have kept."""
        per = self.options["records"]
        rnd = self.random
        now = timezone.now()
        three = Decimal("3.0")
        volunteer_hours: dict[int, Decimal] = {}
        station_year: dict[tuple[int, int], Decimal] = {}
        station_volunteer: dict[tuple[int, int], Decimal] = {}
        made = 0
        pending: list[ServiceRecord] = []

        def flush():
            nonlocal made
            with transaction.atomic():
                ServiceRecord.objects.bulk_create(pending, batch_size=BATCH)
                rows = ServiceRecord.objects.filter(pk__gt=self.last_pk).values_list(
                    "pk", flat=True
                )
                ServiceRecordEntry.objects.bulk_create(
                    [
                        ServiceRecordEntry(
                            record_id=pk,
                            kind=EntryKind.CONFIRMED,
                            hours=three,
                            content="清洁家园",
                            status=RecordStatus.CONFIRMED,
                            basis=HoursBasis.ACTIVITY,
                            by_name="站点管理员",
                            at=now,
                        )
                        for pk in rows
                    ],
                    batch_size=BATCH,
                )
                self.last_pk = max(rows) if rows else self.last_pk
            made += len(pending)
            pending.clear()

        self.last_pk = 0
        for person in volunteers:
            for activity in rnd.sample(activities, per):
                year = timezone.localtime(activity.starts_at).year
                pending.append(
                    ServiceRecord(
                        volunteer_id=person.pk,
                        activity_id=activity.pk,
                        station_id=activity.station_id,
                        activity_title=activity.title,
                        station_title="石牌站",
                        starts_at=activity.starts_at,
                        ends_at=activity.ends_at,
                        year=year,
                        hours=three,
                        content="清洁家园",
                        status=RecordStatus.CONFIRMED,
                        basis=HoursBasis.ACTIVITY,
                        decided_by_name="站点管理员",
                        decided_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
                volunteer_hours[person.pk] = volunteer_hours.get(person.pk, 0) + three
                key = (activity.station_id, year)
                station_year[key] = station_year.get(key, 0) + three
                pair = (activity.station_id, person.pk)
                station_volunteer[pair] = station_volunteer.get(pair, 0) + three
            if len(pending) >= BATCH:
                flush()
        if pending:
            flush()
        VolunteerHoursTotal.objects.bulk_create(
            [
                VolunteerHoursTotal(volunteer_id=k, confirmed_hours=v)
                for k, v in volunteer_hours.items()
            ],
            batch_size=BATCH,
        )
        StationYearHours.objects.bulk_create(
            [
                StationYearHours(station_id=s, year=y, confirmed_hours=v)
                for (s, y), v in station_year.items()
            ]
        )
        StationVolunteer.objects.bulk_create(
            [
                StationVolunteer(station_id=s, volunteer_id=p, confirmed_hours=v)
                for (s, p), v in station_volunteer.items()
            ],
            batch_size=BATCH,
        )
        analyse_tables()
        return made

    # --- measurements -------------------------------------------------------------------------

    def signed_in_client(self, volunteer) -> Client:
        store = VolunteerSessionStore()
        store[VOLUNTEER_KEY] = volunteer.pk
        store[SIGNED_IN_KEY] = timezone.now().timestamp()
        store.create()
        client = Client()
        client.cookies[COOKIE_NAME] = store.session_key
        return client

    def time_page(self, client: Client, url: str) -> tuple[list[float], int]:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_HOST="localhost")
        queries = len(captured)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(self.options["requests"]):
            started = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            timings.append((time.perf_counter() - started) * 1000)
        return timings, queries

    def time_band(self) -> list[float]:
        timings = []
        for _ in range(200):
            started = time.perf_counter()
            service_figures()
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    def race_check_ins(self, activity, volunteers) -> None:
        out = self.stdout.write
        if connection.vendor != "postgresql":
            out("parallel check-ins: skipped (PostgreSQL only; SQLite serialises writers)")
            return
        from stations.activities.checkin import CheckInRefused, check_in_or_out

        count = min(self.options["checkins"], len(volunteers))
        people = volunteers[:count]
        inside = activity.starts_at + datetime.timedelta(minutes=30)

        def scan(person):
            try:
                check_in_or_out(activity=activity, volunteer=person, now=inside, intent="in")
                return "ok"
            except CheckInRefused:
                return "refused"
            except Exception as error:  # noqa: BLE001 - the benchmark counts every failure
                return f"error: {type(error).__name__}"
            finally:
                connections.close_all()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.options["threads"]) as pool:
            outcomes = list(pool.map(scan, people))
        seconds = time.perf_counter() - started
        stored = CheckIn.objects.filter(activity=activity).count()
        distinct = CheckIn.objects.filter(activity=activity).values("volunteer").distinct().count()
        ok = outcomes.count("ok")
        out(
            f"parallel check-ins: {count} volunteers, {self.options['threads']} threads: "
            f"{ok} checked in, {outcomes.count('refused')} refused, "
            f"{sum(o.startswith('error') for o in outcomes)} errors; stored {stored} "
            f"(distinct volunteers {distinct}); lost {ok - stored}, doubled {stored - distinct}; "
            f"{count / seconds:.0f} check-ins/s"
        )

    def run(self):
        out = self.stdout.write
        opts = self.options
        out(f"database: {connection.vendor}")
        stations_index, activities_index, street, kind = self.make_tree()
        stations = self.add_stations(stations_index, street, kind)
        activities = self.add_activities(activities_index, stations)
        started = time.perf_counter()
        volunteers = self.add_volunteers(opts["volunteers"])
        made = self.add_records(volunteers, activities)
        out(
            f"data: {len(stations)} stations, {len(activities)} activities, "
            f"{len(volunteers)} volunteers, {made} records + entries "
            f"in {time.perf_counter() - started:.0f} s"
        )
        person = volunteers[len(volunteers) // 2]
        client = self.signed_in_client(person)
        for label, url, who in (
            ("我的志愿服务 /volunteer/", "/volunteer/", client),
            ("我的服务记录 /volunteer/records/", "/volunteer/records/", client),
            ("station page", stations[0].url_path[len("/bench-home") :], Client()),
        ):
            timings, queries = self.time_page(who, url)
            flag = "ok" if queries <= 15 else "OVER 15"
            out(f"{label}: {queries} SQL queries ({flag}); {ms(timings)}")
        band = self.time_band()
        target = "ok" if percentile(band, 0.95) <= 20 else "OVER 20 ms"
        out(f"home band aggregates at {made} records: {ms(band)} (p95 target 20 ms: {target})")
        fresh = activities[-1]
        fresh_start = timezone.now() - datetime.timedelta(minutes=30)
        ActivityPage.objects.filter(pk=fresh.pk).update(
            starts_at=fresh_start, ends_at=fresh_start + datetime.timedelta(hours=3)
        )
        fresh.refresh_from_db()
        self.race_check_ins(fresh, volunteers)
