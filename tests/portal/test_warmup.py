"""A serving process loads the segmenter and the rest of portal/warmup.py before its first
request: portal/wsgi.py, which only servers import, runs the warm-up."""

import importlib
import sys

from django.template import engines

from portal import warmup
from search import analysis


def test_warm_up_loads_the_segmenter_and_compiles_the_page_templates(monkeypatch):
    monkeypatch.setattr(analysis, "_segmenter", None)  # as in a fresh process
    timings = warmup.warm_up()
    assert analysis._segmenter is not None
    assert set(timings) == {"segmenter", "urls", "templates", "translations"}
    cached = {
        name
        for loader in engines["django"].engine.template_loaders
        for name in getattr(loader, "get_template_cache", {})
    }
    # A page template, and the base template it extends.
    assert {"stations/directory/station_page.html", "base.html"} <= cached


def test_a_failing_step_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken():
        raise OSError("dictionary missing")

    monkeypatch.setattr(warmup, "_segmenter", broken)
    timings = warmup.warm_up()
    assert set(timings) == {"segmenter", "urls", "templates", "translations"}
    assert "Warm-up step segmenter failed" in caplog.text


def test_the_wsgi_module_warms_the_process_up(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warm_up") or {})
    if "portal.wsgi" in sys.modules:
        importlib.reload(sys.modules["portal.wsgi"])
    else:
        importlib.import_module("portal.wsgi")
    assert calls == ["warm_up"]
