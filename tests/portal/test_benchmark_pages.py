"""The parts of `manage.py benchmark_pages` that need no minutes: reading wrk's report, the
built-in load against a small local server, the tables, the bare view and the query header. The
benchmark itself is run by hand (README, "Speed"): it takes several minutes."""

import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from home.management.commands.benchmark_pages import BARE_FIRST, BARE_LAST, Command, Measure, Target
from portal.benchmarking import WrkError, loop_load, parse_wrk, text_table
from portal.benchmarking.bare import BARE_PATH, BARE_SIZE, bare, bare_page
from portal.benchmarking.middleware import QUERIES_HEADER, QueryCountMiddleware

WRK_REPORT = """\
Running 5s test @ http://127.0.0.1:40123/stations/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    93.20ms   20.11ms   1.20s    70.00%
    Req/Sec    42.90     10.00    60.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   12.50ms
     90%  120.00ms
     99%    1.20s
  430 requests in 5.01s, 6.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:     85.83
Transfer/sec:      1.30MB
"""

CLEAN_REPORT = """\
Running 1m test @ http://127.0.0.1:40123/
  2 threads and 8 connections
  Latency Distribution
     50%    4.80ms
     75%    6.14ms
     90%   15.35ms
     99%  218.97ms
  5399 requests in 1.00m, 65.34MB read
Requests/sec:     89.98
Transfer/sec:      1.08MB
"""


def test_wrk_report_is_read_with_its_units_and_failures():
    result = parse_wrk(WRK_REPORT)
    assert (result.requests, result.per_second) == (430, 85.83)
    assert result.seconds == pytest.approx(5.01)
    assert result.percentiles[50] == pytest.approx(850e-6)
    assert result.percentiles[75] == pytest.approx(0.0125)
    assert result.percentiles[99] == pytest.approx(1.2)
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert result.non_2xx_3xx == 3
    assert result.failed == 6


def test_a_clean_wrk_report_has_no_failures():
    result = parse_wrk(CLEAN_REPORT)
    assert result.seconds == 60.0
    assert result.percentiles[99] == pytest.approx(0.21897)
    assert (result.socket_errors, result.non_2xx_3xx, result.failed) == ({}, 0, 0)


def test_what_is_not_a_wrk_report_is_refused():
    with pytest.raises(WrkError):
        parse_wrk("wrk: invalid URL\n")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/ok" else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_builtin_load_counts_answers_and_what_was_not_a_200(tiny_server):
    good = loop_load("/ok", port=tiny_server, seconds=0.3, connections=4, wrk=None)
    assert good.per_second > 10
    assert 0 < good.p50 <= good.p99
    assert good.failures == {}
    bad = loop_load("/missing", port=tiny_server, seconds=0.2, connections=2, wrk=None)
    assert bad.failures["not 200"] > 0


def test_nothing_listening_counts_as_errors():
    figures = loop_load("/", port=1, seconds=0.1, connections=1, wrk=None)
    assert figures.failures["errors"] > 0
    assert math.isnan(figures.p50)


def test_table_columns_line_up_with_chinese_labels():
    lines = text_table(["page", "req/s"], [["search 志愿服务", "12.5"], ["home", "480.0"]])
    # 志愿服务 takes two columns a character on a terminal.
    assert lines == [
        "page" + " " * 13 + "req/s",
        "search 志愿服务" + " " * 3 + "12.5",
        "home" + " " * 13 + "480.0",
    ]


def test_a_servers_table_gives_each_page_against_the_bare_view():
    out = StringIO()
    measures = [
        Measure(BARE_FIRST, rate=400.0, p50=0.01, p99=0.02, queries="1", size=BARE_SIZE,
                first=0.004),
        Measure(Target("home", "/"), rate=50.0, p50=0.1, p99=0.2, queries="9", size=15360,
                first=0.3, failed="answered [200, 500]"),
        Measure(BARE_LAST, rate=600.0, p50=0.01, p99=0.02, queries="1", size=BARE_SIZE),
    ]  # fmt: skip
    Command(stdout=out).table(measures)
    header, first, home, last, failure = out.getvalue().splitlines()
    assert header.split() == ["page", "req/s", "p50", "ms", "p99", "ms", "SQL", "KB", "×",
                              "bare", "1st", "ms", "cache"]  # fmt: skip
    # Against the mean of the bare view's two loads, before and after the pages.
    assert home.split() == ["home", "50.0", "100.0", "200.0", "9", "15.0", "0.10", "300", "-"]
    assert first.split()[-5:] == ["1", "30.0", "0.80", "4", "-"]
    assert last.split()[-4:] == ["30.0", "1.20", "0", "-"]
    assert failure == "FAILED home (/): answered [200, 500]"


def test_any_answer_but_a_200_fails_the_run(monkeypatch):
    command = Command(stdout=StringIO())
    pages = [BARE_FIRST, Target("home", "/"), BARE_LAST]
    monkeypatch.setattr(command, "start_redis", lambda stack: None)
    monkeypatch.setattr(command, "prepare", lambda env: pages)

    def serve(number, mode, env, targets):
        return [
            Measure(t, rate=10.0, failed="under load: 3 status ≥ 400" if t.path == "/" else "")
            for t in targets
        ]

    monkeypatch.setattr(command, "serve", serve)
    with pytest.raises(CommandError, match=r"round 2 cold: home \(/\): under load: 3 status"):
        call_command(command, "--rounds", "2", "--modes", "cold")
    assert "r1 cold" in command.stdout.getvalue()  # the figures are printed first


def test_search_targets_are_sent_percent_encoded():
    assert Target("search", "/search/?q=志愿服务").request_path == (
        "/search/?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1"
    )


def test_bare_page_is_30_kb_of_html():
    page = bare_page()
    assert len(page) == BARE_SIZE == 30 * 1024
    assert page.startswith(b"<!DOCTYPE html>") and b"</html>" in page
    assert len(bare_page(4096)) == 4096


def test_the_benchmark_urls_serve_the_bare_view_in_front_of_the_site():
    match = resolve(BARE_PATH, urlconf="portal.benchmarking.urls")
    assert match.func is bare
    response = bare(RequestFactory().get(BARE_PATH))
    assert response.status_code == 200
    assert len(response.content) == BARE_SIZE
    assert "private" in response["Cache-Control"]  # never kept by the page cache


def test_the_query_header_counts_every_query_of_the_request():
    def view(request):
        for _ in range(3):  # three queries, as the database layer runs them
            for wrapper in list(connection.execute_wrappers):
                wrapper(lambda *args: None, "SELECT 1", (), False, {"connection": connection})
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response[QUERIES_HEADER] == "3"
    assert connection.execute_wrappers == []  # taken off again
