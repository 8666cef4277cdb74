"""The parts of `manage.py audit_pages` that need no server, browser or network: reading what
axe-core, the Nu HTML Checker and Lighthouse report (outputs recorded from the real tools, in
audit_samples/), the table, and what fails the run. The audit itself runs in .ci/run."""

import copy
import json
import zlib
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from PIL import Image

from home.management.commands.audit_pages import Command, file_stem
from portal.audit import (
    Finding,
    LighthouseError,
    PageReport,
    Target,
    ToolError,
    VnuError,
    axe_findings,
    check_axe_canary,
    check_vnu_canary,
    details,
    ensure_tools,
    exception_lines,
    failures,
    html_findings,
    indexing_refusal,
    lighthouse_result,
    robots_rules,
    table,
)
from portal.audit import tools as audit_tools
from portal.audit.axe import AxeError
from portal.audit.browser import console_errors
from portal.audit.lighthouse import lighthouse_command
from portal.audit.lighthouse import parse_report as parse_lighthouse
from portal.audit.tiles import solid_png
from portal.audit.vnu import parse_report as parse_vnu

SAMPLES = Path(__file__).parent / "audit_samples"
# The files the recorded vnu report is about, as the audit names them.
VNU_NAMES = {"00-canary.html": "canary", "01-home.html": "home", "11-sign-up-status.html": "status"}


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def scores(**given) -> dict:
    return {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100} | given


def measured(target: Target, **scored):
    from portal.audit import LighthouseResult

    return PageReport(
        target, status=target.statuses[0], lighthouse=LighthouseResult(scores(**scored))
    )


# --- axe-core -------------------------------------------------------------------------------


def test_axe_violations_become_one_finding_per_element():
    found = axe_findings(sample("axe.json"))
    assert [(f.rule, f.severity) for f in found] == [
        ("color-contrast", "serious"),
        ("color-contrast", "serious"),
        ("landmark-unique", "moderate"),
    ]
    first = found[0]
    assert first.where == "p:nth-child(2)"  # the element itself is not "related" to itself
    assert "contrast of 1.91" in first.message  # what the check measured, not only the rule
    assert first.extract.startswith("<p style=")
    landmark = found[2]
    assert "; with " in landmark.where  # the second search landmark of the same name


def test_axe_without_violations_is_clean_and_a_broken_result_is_an_error():
    assert axe_findings({"violations": []}) == []
    for broken in ({}, {"violations": None}, [], {"violations": [{"impact": "serious"}]}):
        with pytest.raises(AxeError):
            axe_findings(broken)


def test_axe_canary_must_report_its_missing_alt_text():
    canary = {"violations": [{"id": "image-alt", "help": "Images must have alt", "nodes": [{}]}]}
    check_axe_canary(canary)
    with pytest.raises(AxeError, match="not being read"):
        check_axe_canary(sample("axe.json"))
    with pytest.raises(AxeError):
        check_axe_canary({"violations": []})


def test_the_page_own_status_note_is_not_a_console_error():
    page = "http://127.0.0.1:8000/nothing/"
    messages = [
        ("Failed to load resource: the server responded with a status of 404 ()", page),
        ("Failed to load resource: the server responded with a status of 404 ()", page + "a.png"),
        ("Uncaught TypeError: x is undefined", "http://127.0.0.1:8000/static/map.js"),
    ]
    found = console_errors(messages, page_url=page)
    assert len(found) == 2 and "a.png" in found[0] and "TypeError" in found[1]


# --- the Nu HTML Checker --------------------------------------------------------------------


def test_vnu_errors_and_warnings_are_counted_apart_and_info_left_out():
    by_page, elsewhere = html_findings(sample("vnu.json"), VNU_NAMES)
    assert elsewhere == []
    assert by_page["home"] == []  # a page without messages is clean, and still listed
    status = by_page["status"]
    assert [f.severity for f in status] == ["error", "warning"]
    assert "action" in status[0].message and status[0].where == "line 1, column 112"
    check_vnu_canary(by_page["canary"])


def test_vnu_messages_about_no_page_given_come_back_apart():
    report = sample("vnu.json")
    report["messages"].append(
        {"type": "non-document-error", "subType": "io", "message": "File not found"}
    )
    by_page, elsewhere = html_findings(report, VNU_NAMES)
    assert [f.message for f in elsewhere] == ["File not found"]
    assert [f.severity for f in elsewhere] == ["error"]
    # The page keys must match exactly: a renamed file is not quietly clean.
    _, elsewhere = html_findings(sample("vnu.json"), {"01-home.html": "home"})
    assert len(elsewhere) == 3  # canary's error, the status page's error and warning


def test_vnu_output_that_is_not_its_report_fails():
    for text in ("", "Exception in thread main", "[]", '{"version": "26"}'):
        with pytest.raises(VnuError):
            parse_vnu(text)
    with pytest.raises(VnuError, match="unknown type"):
        html_findings({"messages": [{"type": "oddity", "url": "file:/x/01-home.html"}]}, VNU_NAMES)
    with pytest.raises(VnuError, match="not being read"):
        check_vnu_canary([Finding("html", "warning", "", "only a warning")])


# --- Lighthouse -----------------------------------------------------------------------------


def test_lighthouse_report_gives_scores_and_what_fell_short():
    result = lighthouse_result(parse_lighthouse((SAMPLES / "lighthouse.json").read_text()))
    assert result.scores == scores(**{"best-practices": 96})
    short = result.short_of["best-practices"]
    assert len(short) == 1 and short[0].startswith("image-size-responsive")
    assert "marker-shadow" in short[0]  # where: the image's URL
    # Every weighted audit below 1 is named (Total Blocking Time, 0.99); cache-insight, below 1
    # but of no weight, is not.
    assert [text.split()[0] for text in result.short_of["performance"]] == ["total-blocking-time"]
    assert result.outside == [] and result.error == ""


def test_lighthouse_scores_are_rounded_as_its_report_shows_them():
    report = sample("lighthouse.json")
    for score, shown in ((0.975, 98), (0.965, 97), (0.985, 99), (0.004, 0), (1, 100)):
        report["categories"]["seo"]["score"] = score
        assert lighthouse_result(report).scores["seo"] == shown


def test_lighthouse_runtime_error_and_missing_parts():
    result = lighthouse_result(sample("lighthouse_runtime_error.json"))
    assert set(result.scores.values()) == {None}
    assert result.error.startswith("ERRORED_DOCUMENT_REQUEST")
    report = sample("lighthouse.json")
    del report["categories"]["seo"]
    with pytest.raises(LighthouseError, match="seo"):
        lighthouse_result(report)
    for text in ("", "{}", '{"categories": []}'):
        with pytest.raises(LighthouseError):
            parse_lighthouse(text)


def test_lighthouse_requests_for_other_hosts_are_found():
    report = sample("lighthouse.json")
    items = report["audits"]["network-requests"]["details"]["items"]
    items.append({"url": "data:image/gif;base64,R0lGODlhAQABAAAAACw=", "statusCode": 200})
    items.append({"url": "https://tile.openstreetmap.org/1/1/1.png", "statusCode": -1})
    assert lighthouse_result(report).outside == ["https://tile.openstreetmap.org/1/1/1.png"]


def test_lighthouse_command_keeps_each_chrome_flag_whole():
    command = lighthouse_command(
        "http://127.0.0.1:1/",
        cli=Path("lh.js"),
        output=Path("out.json"),
        chrome_flags=["--headless", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        any_status=True,
    )
    flags = next(part for part in command if part.startswith("--chrome-flags="))
    assert (
        flags
        == '--chrome-flags=--headless --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
    )
    assert "--only-categories=performance,accessibility,best-practices,seo" in command
    assert "--ignore-status-code" in command


# --- pages kept out of search engines -------------------------------------------------------


def test_pages_kept_out_of_search_engines():
    robots = robots_rules("User-agent: *\nDisallow: /admin/\n")
    page = '<html><head><meta content="noindex, nofollow" name="ROBOTS"></head></html>'

    def refusal(**given):
        values = {"status": 200, "headers": {}, "html": "<html></html>", "path": "/a/"}
        return indexing_refusal(**(values | given), robots=robots)

    assert refusal() == ""
    assert refusal(html=page) == "noindex (meta)"
    assert refusal(headers={"X-Robots-Tag": "noindex"}) == "noindex (X-Robots-Tag)"
    assert refusal(path="/admin/pages/") == "robots.txt"
    assert refusal(status=404) == "HTTP 404"
    assert refusal(html='<meta name="description" content="noindex is a word">') == ""


# --- the table and the exit status -----------------------------------------------------------


def test_a_clean_run_passes_and_prints_every_page():
    reports = [measured(Target("home", "/")), measured(Target("search", "/search/?q=志愿"))]
    assert failures(reports, lighthouse=True, threshold=98) == []
    lines = table(reports, lighthouse=True)
    assert lines[0].split()[:3] == ["page", "URL", "HTTP"]
    assert "/search/?q=志愿" in lines[2] and lines[2].rstrip().endswith("100")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r.axe.append(Finding("axe", "minor", "region", "m")), "1 axe violations"),
        (lambda r: r.html.append(Finding("html", "error", "", "m")), "1 HTML errors"),
        (lambda r: setattr(r, "status", 500), "answered 500, not 200"),
        (lambda r: r.outside.append("https://cdn.example/x.js"), "requests for other hosts"),
        (lambda r: r.console.append("script error: x"), "script or console errors"),
        (lambda r: setattr(r, "error", "timed out"), "could not be checked"),
        (lambda r: setattr(r, "lighthouse", None), "Lighthouse: no result"),
        (lambda r: r.lighthouse.scores.update(performance=97), "performance 97 < 98"),
        (lambda r: r.lighthouse.scores.update(accessibility=None), "accessibility no score"),
    ],
)
def test_each_kind_of_failure_fails_the_run(change, reason):
    report = measured(Target("home", "/"))
    change(report)
    found = failures([report], lighthouse=True, threshold=98)
    assert len(found) == 1 and reason in found[0]


def test_warnings_alone_pass():
    report = measured(Target("home", "/"))
    report.html.append(Finding("html", "warning", "", "Section lacks heading."))
    assert failures([report], lighthouse=True, threshold=98) == []
    assert table([report], lighthouse=False)[1].split()[3:6] == ["0", "0", "1"]


def test_seo_of_a_page_kept_out_is_shown_but_not_judged():
    kept_out = measured(Target("search", "/search/"), seo=63)
    kept_out.not_indexed = "noindex (X-Robots-Tag)"
    indexed = measured(Target("home", "/"), seo=63)
    found = failures([kept_out, indexed], lighthouse=True, threshold=98)
    assert found == ["home (/): Lighthouse seo 63 < 98"]
    assert table([kept_out], lighthouse=True)[1].rstrip().endswith("(63)")
    # Only SEO: a page kept out is still judged on the other three.
    kept_out.lighthouse.scores["performance"] = 90
    assert "performance 90" in failures([kept_out], lighthouse=True, threshold=98)[0]


def test_the_404_page_is_judged_on_performance_and_accessibility():
    # Lighthouse logs the page's own 404 as a console error (best practices) and fails its
    # status code (SEO): the page working as meant.
    missing = measured(Target("page not found", "/nothing/", statuses=(404,)))
    missing.not_indexed = "HTTP 404"
    missing.lighthouse.scores.update({"best-practices": 96, "seo": 91})
    assert failures([missing], lighthouse=True, threshold=98) == []
    assert table([missing], lighthouse=True)[1].split()[-2:] == ["(96)", "(91)"]
    missing.lighthouse.scores["accessibility"] = 90
    assert "accessibility 90" in failures([missing], lighthouse=True, threshold=98)[0]


def test_of_several_lighthouse_runs_the_median_one_is_kept_whole():
    from portal.audit import LighthouseResult, median_run

    runs = [
        LighthouseResult(scores(performance=value), short_of={"performance": [str(value)]})
        for value in (90, 100, None, 97)
    ]
    kept = median_run(runs)
    assert kept.scores["performance"] == 97 and kept.short_of["performance"] == ["97"]
    assert median_run(runs[:1]) is runs[0]
    with pytest.raises(LighthouseError):
        median_run([])


def test_lighthouse_scores_count_only_when_it_ran_and_never_for_a_form_answer():
    slow = measured(Target("home", "/"), performance=50)
    assert failures([slow], lighthouse=False, threshold=98) == []
    answer = PageReport(Target("sign-up sent empty", "/a/", True, (200, 400)), status=400)
    assert failures([answer], lighthouse=True, threshold=98) == []
    assert "–" in table([answer], lighthouse=True)[1]


def test_details_list_every_finding_under_its_page():
    report = measured(Target("search", "/search/"), seo=63)
    report.not_indexed = "noindex (meta)"
    report.axe = axe_findings(sample("axe.json"))
    report.lighthouse = lighthouse_result(sample("lighthouse.json"))
    lines = details([report], lighthouse=True, threshold=98)
    assert lines[0] == "search (/search/); kept out of search engines: noindex (meta)"
    assert sum("axe serious color-contrast" in line for line in lines) == 2
    assert any("best-practices 96: image-size-responsive" in line for line in lines)


def test_the_command_exits_1_on_a_failure_and_says_which_pages():
    command = Command(stdout=StringIO(), stderr=StringIO())
    command.options = {"lighthouse": False, "threshold": 98}
    clean = [measured(Target("home", "/"))]
    command.print_results(clean, 0.0, 3, None)
    assert "All 1 pages pass." in command.stdout.getvalue()
    failing = copy.deepcopy(clean) + [PageReport(Target("story", "/s/"), status=200)]
    failing[1].html.append(Finding("html", "error", "", "Bad value “” for attribute “action”"))
    with pytest.raises(CommandError, match=r"1 of 2 pages fail:\n  story \(/s/\): 1 HTML errors"):
        command.print_results(failing, 0.0, 3, None)
    assert "Bad value" in command.stdout.getvalue()  # listed under the table too


# --- the rest ---------------------------------------------------------------------------------


def test_targets_travel_as_json_and_quote_their_paths():
    target = Target("form sent empty", "/搜索/?q=志愿 服务", True, (200, 400))
    assert Target.from_json(json.loads(json.dumps(target.as_json()))) == target
    assert target.request_path == "/%E6%90%9C%E7%B4%A2/?q=%E5%BF%97%E6%84%BF%20%E6%9C%8D%E5%8A%A1"
    assert file_stem(7, "activity, sign-up open") == "07-activity-sign-up-open"


def test_a_sign_up_secret_link_is_never_printed():
    token = "gKTR2Ccfn7lbM3EYTu_dfuyl9DHfY43_"
    report = PageReport(Target("sign-up status", f"/activities/signups/{token}/"), status=500)
    printed = table([report], lighthouse=False) + failures([report], lighthouse=False, threshold=98)
    assert token not in "\n".join(printed) and "/activities/signups/[redacted]/" in printed[1]
    assert token in report.target.request_path  # still the page the browser opens


def test_exceptions_are_read_once_each_from_a_server_log():
    log = (
        "Traceback (most recent call last):\n  File x\n"
        "ValueError: Missing staticfiles manifest entry for 'a.js'\n"
        "[2025] [ERROR] worker\n"
        "ValueError: Missing staticfiles manifest entry for 'a.js'\n"
        "django.template.exceptions.TemplateSyntaxError: bad tag\n"
    )
    assert exception_lines(log) == [
        "ValueError: Missing staticfiles manifest entry for 'a.js'",
        "django.template.exceptions.TemplateSyntaxError: bad tag",
    ]


def test_the_local_map_tile_is_a_real_png():
    tile = Image.open(BytesIO(solid_png(256, (236, 233, 226))))
    assert tile.size == (256, 256) and tile.getpixel((100, 200)) == (236, 233, 226)
    assert zlib.crc32(solid_png(8, (0, 0, 0))) == zlib.crc32(solid_png(8, (0, 0, 0)))


def test_tools_are_installed_only_when_missing(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(audit_tools.subprocess, "run", lambda *a, **k: calls.append(a) or None)
    for package, (_, major, file) in audit_tools.PACKAGES.items():
        folder = tmp_path / "node_modules" / package
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text("")
        (folder / "package.json").write_text(json.dumps({"version": f"{major}.1.0"}))
    monkeypatch.setattr(audit_tools.shutil, "which", lambda name: f"/usr/bin/{name}")
    tools = ensure_tools(tmp_path, lighthouse=True, write=lambda text: None)
    assert calls == [] and tools.vnu_jar.name == "vnu.jar"
    # A major version other than the pinned one counts as missing.
    (tmp_path / "node_modules" / "axe-core" / "package.json").write_text('{"version": "3.5.0"}')
    assert tools.missing(["axe-core", "vnu-jar"]) == ["axe-core"]


def test_missing_tools_without_npm_or_java_are_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(audit_tools.shutil, "which", lambda name: None)
    with pytest.raises(ToolError, match="npm is not installed"):
        ensure_tools(tmp_path, lighthouse=False, write=lambda text: None)
    for package, (_, major, file) in audit_tools.PACKAGES.items():
        folder = tmp_path / "node_modules" / package
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text("")
        (folder / "package.json").write_text(json.dumps({"version": f"{major}.0.0"}))
    with pytest.raises(ToolError, match="java is not installed"):
        ensure_tools(tmp_path, lighthouse=False, write=lambda text: None)
