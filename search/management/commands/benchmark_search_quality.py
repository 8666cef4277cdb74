"""Search quality over the demo content: recall@10 and MRR for the queries in
search/benchmarks/queries.json, on the database in use (SQLite by default, PostgreSQL with
DATABASE_URL) and on Elasticsearch when ELASTICSEARCH_URL is set.

    .venv/bin/python manage.py benchmark_search_quality
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python manage.py \\
        benchmark_search_quality

Target (issue 6): recall@10 at least 0.95.
"""

import json
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.http import QueryDict

from home.demo import load_demo
from portal.benchmarking import throwaway_database
from search.query import site_search

QUERIES = Path(__file__).resolve().parents[2] / "benchmarks" / "queries.json"
TOP = 10


class Command(BaseCommand):
    help = "Print recall@10 and MRR of the site search over the demo content."

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=Path, default=QUERIES)
        parser.add_argument("--verbose-misses", action="store_true", help="Show what came back.")

    def handle(self, *args, queries, verbose_misses, **options):
        cases = json.loads(queries.read_text(encoding="utf-8"))["queries"]
        with throwaway_database("benchmark_search_quality", self.stdout.write):
            self.stdout.write("Loading the demo content…")
            load_demo(seeds_dir=settings.SEEDS_DIR)
            backends = ["default"]
            if "database" in settings.WAGTAILSEARCH_BACKENDS:  # Elasticsearch configured
                call_command("update_index", verbosity=0)
                backends.append("database")
            for backend in backends:
                self.measure(cases, backend, verbose_misses)

    def measure(self, cases, backend, verbose_misses):
        engine = settings.WAGTAILSEARCH_BACKENDS[backend]["BACKEND"]
        label = f"{engine} on {connection.vendor}" if "database" in engine else engine
        recalls, ranks, by_kind = [], [], defaultdict(list)
        misses = []
        for case in cases:
            outcome = site_search(
                params=QueryDict(mutable=True) | {"q": case["q"]}, backend=backend
            )
            found = [hit.page.title for hit in outcome.hits][:TOP]
            expected = case["expect"]
            recall = sum(1 for title in expected if title in found) / len(expected)
            first = min((found.index(t) + 1 for t in expected if t in found), default=None)
            recalls.append(recall)
            ranks.append(1 / first if first else 0.0)
            by_kind[case.get("kind", "")].append(recall)
            if recall < 1:
                misses.append((case["q"], [t for t in expected if t not in found], found))
        self.stdout.write(f"\n{label}: {len(cases)} queries")
        self.stdout.write(f"  recall@{TOP} {sum(recalls) / len(recalls):.3f}")
        self.stdout.write(f"  MRR        {sum(ranks) / len(ranks):.3f}")
        for kind, values in sorted(by_kind.items()):
            self.stdout.write(
                f"  {kind:12} recall@{TOP} {sum(values) / len(values):.3f} ({len(values)})"
            )
        for query, missing, found in misses:
            self.stdout.write(f"  miss: {query!r} did not find {missing}")
            if verbose_misses:
                self.stdout.write(f"        got {found}")
