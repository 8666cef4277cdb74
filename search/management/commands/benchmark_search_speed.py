"""Search speed at scale: generates pages of Chinese text in a throwaway database, indexes them
through the portal's analysis, and prints median and p95 times of the site search.

    .venv/bin/python manage.py benchmark_search_speed                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python manage.py \\
        benchmark_search_speed

Targets (issue 6): site search p95 at most 50 ms on SQLite and 30 ms on PostgreSQL at 100,000
pages. `--keep` keeps the generated database for the next run (`--repeats 0` only generates).
"""

import json
import random
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from home.models import HomePage, StandardPage
from portal.benchmarking import (
    analyse_tables,
    bulk_children,
    insert_specific,
    percentile,
    throwaway_database,
)
from search.analysis import Analysed, query_tokens
from search.query import site_search

QUERIES = Path(__file__).resolve().parents[2] / "benchmarks" / "queries.json"
STREETS = ["石牌", "猎德", "北京", "人民", "光塔", "六榕", "素社", "海幢", "沙面", "岭南", "五山"]
KINDS = [
    "学雷锋志愿服务站",
    "社会工作服务站",
    "慈善捐赠站点",
    "城市志愿服务站",
    "图书馆志愿服务站点",
]
TOPICS = ["长者探访", "四点半课堂", "垃圾分类宣传", "文明交通劝导", "助残陪伴", "时间银行积分兑换"]


def sentences() -> list[str]:
    """Sentences of the seed documents: real policy prose to generate pages from."""
    seeds = Path(settings.SEEDS_DIR)
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    found = [s.strip() for s in re.split(r"[。；！？\n]", text)]
    return [s for s in found if 12 <= len(s) <= 120]


class Command(BaseCommand):
    help = "Time the site search over generated pages (median and p95)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000", help="Page counts, ascending.")
        parser.add_argument(
            "--repeats", type=int, default=3, help="Runs of each query (0: generate only)."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the generated database, and start from the one kept by an earlier run.",
        )

    def handle(self, *args, sizes, repeats, seed, keep, **options):
        counts = sorted({int(s) for s in sizes.split(",") if s.strip()})
        if not counts or counts[0] < 1:
            raise CommandError("--sizes needs positive page counts, e.g. 10000,100000.")
        self.random = random.Random(seed)
        self.sentences = sentences()
        with throwaway_database("benchmark_search_speed", self.stdout.write, keep=keep):
            home = self.make_home()
            made = home.numchild
            for count in counts:
                if count > made:
                    started = time.perf_counter()
                    self.add_pages(home, made, count - made)
                    made = count
                    took = time.perf_counter() - started
                    self.stdout.write(f"\n{count:,} pages generated and indexed in {took:.0f} s")
                elif count < made:
                    self.stdout.write(f"\n{count:,} pages: the kept database has more; skipped")
                    continue
                else:
                    self.stdout.write(f"\n{count:,} pages (kept from an earlier run)")
                if repeats:
                    self.measure(repeats)

    def make_home(self) -> HomePage:
        kept = HomePage.objects.filter(slug="bench-home").first()
        if kept is not None:
            return kept
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="社区志愿服务门户", slug="bench-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测"},
        )
        return home

    def text(self, low: int, high: int) -> str:
        return "。".join(self.random.sample(self.sentences, self.random.randint(low, high))) + "。"

    def add_pages(self, home, start: int, count: int):
        """Pages inserted in bulk, then indexed in batches through the search backend (the
        same analysis as on publish)."""
        rnd = self.random
        index = get_search_backend().get_index_for_model(StandardPage)
        batch = 2000
        for offset in range(start, start + count, batch):
            numbers = range(offset + 1, min(offset + batch, start + count) + 1)
            titles = [
                f"{rnd.choice(STREETS)}街{rnd.choice(KINDS if n % 3 else TOPICS)}{n}"
                for n in numbers
            ]
            with transaction.atomic():
                pages = bulk_children(home, StandardPage, zip(numbers, titles, strict=True), "page")
                insert_specific(
                    StandardPage,
                    [
                        StandardPage(
                            page_ptr_id=page.pk,
                            intro=self.text(1, 2)[:500],
                            body=json.dumps(
                                [{"type": "paragraph", "value": f"<p>{self.text(2, 5)}</p>"}]
                            ),
                        )
                        for page in pages
                    ],
                )
                index.add_items(
                    StandardPage, StandardPage.objects.filter(pk__in=[p.pk for p in pages])
                )
        Page.objects.filter(pk=home.pk).update(numchild=start + count)
        analyse_tables()

    def queries(self) -> list[str]:
        listed = [c["q"] for c in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]
        generated = [f"{s}街{t}" for s in STREETS[:4] for t in TOPICS[:3]] + ["志愿", "志愿服务"]
        return listed + generated

    def measure(self, repeats: int):
        backend = get_search_backend()
        pages = Page.objects.live()
        plain, full, query_counts = [], [], []
        per_query: dict[str, list[float]] = {}
        sql_time: dict[str, float] = {}
        for query in self.queries():
            words = Analysed(" ".join(query_tokens(query)))
            params = QueryDict(mutable=True)
            params["q"] = query
            site_search(params=params)  # warm: the first run of a query compiles and caches
            for _ in range(repeats):
                started = time.perf_counter()
                list(backend.search(words, pages, operator="and")[:20])
                plain.append(time.perf_counter() - started)
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    site_search(params=params)
                    took = time.perf_counter() - started
                full.append(took)
                per_query.setdefault(query, []).append(took)
                query_counts.append(len(captured))
                for entry in captured.captured_queries:
                    sql = " ".join(entry["sql"].split())
                    key = sql[:30] + " …" + sql[sql.find(" FROM ") :][:110]
                    sql_time[key] = sql_time.get(key, 0.0) + float(entry["time"])
        for label, values in (
            ("site search, whole", full),
            ("Wagtail search API, 20", plain),
        ):
            self.stdout.write(
                f"  {label:26} median {statistics.median(values) * 1000:6.1f} ms, "
                f"p95 {percentile(values, 0.95) * 1000:6.1f} ms ({len(values)} runs)"
            )
        self.stdout.write(f"  SQL queries per site search: {min(query_counts)}–{max(query_counts)}")
        slowest = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
        listed = ", ".join(f"{q} {statistics.median(t) * 1000:.1f} ms" for q, t in slowest)
        self.stdout.write(f"  slowest site searches (median): {listed}")
        total = sum(sql_time.values()) or 1
        for key, spent in sorted(sql_time.items(), key=lambda kv: -kv[1])[:4]:
            self.stdout.write(f"    {spent / total:4.0%} of SQL time: {key}…")
