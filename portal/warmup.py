"""What a serving process loads before its first request instead of during it.

The Chinese segmenter's dictionary takes about a second to load (several when jieba has to
rebuild its cache file, e.g. in a fresh temp folder), and the first search in a new process used
to wait for it. Smaller first-use costs go with it: the URL conf's imports and compiled patterns,
the page templates with everything they extend and include, and the translation catalogs,
merged into one dictionary per language (portal/translations.py).

portal/wsgi.py calls `warm_up()`, and only servers import that module (gunicorn, runserver,
uWSGI, mod_wsgi), so the test suite and management commands never pay for it. Nothing here
touches the database or the cache: under gunicorn's `preload_app` this runs in the arbiter,
before the workers fork, and a connection opened there would be shared by every worker.
"""

import contextlib
import logging
import time

from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import Resolver404, resolve, reverse

logger = logging.getLogger(__name__)

# Templates no page model names: the search page and the error pages.
OTHER_TEMPLATES = ("search/search.html", "404.html", "500.html")
# Exercises every step of the analysis once: folding (OpenCC), segmenting, a 文号.
SAMPLE_TEXT = "社区志愿服务站 義工 穗民〔2019〕62号"


def warm_up() -> dict[str, float]:
    """Load the segmenter, the URL conf and the templates; the seconds each step took. A step
    that fails is logged and skipped: the request that needs it will show the error itself."""
    timings = {}
    for name, step in (
        ("segmenter", _segmenter),
        ("urls", _urls),
        ("templates", _templates),
        ("translations", _translations),
    ):
        started = time.perf_counter()
        try:
            step()
        except Exception:
            logger.warning("Warm-up step %s failed", name, exc_info=True)
        timings[name] = time.perf_counter() - started
    return timings


def _segmenter() -> None:
    from search import analysis

    analysis.segmenter()
    analysis.index_tokens(SAMPLE_TEXT)
    analysis.query_tokens(SAMPLE_TEXT)


def _translations() -> None:
    from portal.translations import flatten_languages

    flatten_languages()


def _urls() -> None:
    # reverse() builds the whole reverse map; resolve() compiles the patterns in front of the
    # page tree's catch-all.
    reverse("search")
    with contextlib.suppress(Resolver404):
        resolve("/")


def _templates() -> None:
    from wagtail.models import get_page_models

    names = set(OTHER_TEMPLATES)
    for model in get_page_models():
        for attribute in ("template", "landing_page_template"):
            name = getattr(model, attribute, None)
            if isinstance(name, str):
                names.add(name)
    compiled: set[str] = set()
    for name in sorted(names):
        _compile(name, compiled)


def _compile(name: str, compiled: set[str]) -> None:
    """Compile `name` into the cached loader, then what it extends and includes by a fixed
    name (a name held in a variable is only known when a page renders)."""
    if name in compiled:
        return
    compiled.add(name)
    try:
        template = get_template(name)
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return  # the page that uses it shows the error
    nodelist = getattr(getattr(template, "template", None), "nodelist", None)
    if nodelist is None:
        return
    for node in nodelist.get_nodes_by_type((ExtendsNode, IncludeNode)):
        expression = node.parent_name if isinstance(node, ExtendsNode) else node.template
        if isinstance(getattr(expression, "var", None), str):
            _compile(str(expression.var), compiled)
