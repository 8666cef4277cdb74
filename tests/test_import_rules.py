"""Which code may import which, read from every module's imports (module top and function
bodies alike), so a forbidden edge fails here rather than in a review.

The floors, from the bottom (README, "Architecture"):
- the ground floor, `home/base/`: imports no other first-party code;
- `search/`: may use the ground floor and nothing of the page apps (it knows page types only by
  their registration in `search.types`);
- `stations/` shared code (its top-level modules and `stations/models/`): no feature's code, except
  the app's registries (`stations.models`, `stations.wagtail_hooks`, `stations.apps`) that Django
  and Wagtail load features through;
- the `stations` features (`directory/`, `activities/`, `volunteers/`): the shared code, not
  each other;
- `stories/`: may name a station (the models in `stations.models`), no station feature code;
- `home`'s pages: may show the other apps' lists; the demo conductor (`home.demo`) may call every
  app's loader, and no loader imports it back.
Management commands (benchmarks, loaders) may name concrete page types.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "home", "stations", "stories", "search")
FEATURES = ("directory", "activities", "volunteers")
STATION_REGISTRIES = ("stations.models", "stations.wagtail_hooks", "stations.apps")
# What page code may use of search: the analysed fields, the markers, the type registry.
SEARCH_FOR_PAGES = ("search.fields", "search.markers", "search.types")
# The lists home's page shows, and the loaders the demo conductor calls.
HOME_PAGE_SHOWS = ("stations.activities.listing", "stories.listing")
DEMO_LOADERS = ("stations.demo", "stories.demo")


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted
    line: int

    def __str__(self):
        return f"{self.source} → {self.target} (line {self.line})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[Edge]:
    """Every first-party import in the file, wherever it stands (functions included)."""
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    edges = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from stations import signup` imports the module signup.
            targets = [f"{module}.{alias.name}" for alias in node.names] if module else []
            targets = targets or [module]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in APPS:
                edges.append(Edge(source, target, node.lineno))
    return edges


def first_party_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def is_ground(module: str) -> bool:
    return within(module, "home.base")


def is_command(module: str) -> bool:
    return ".management.commands." in module + "."


def station_feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "stations" and len(parts) > 1 and parts[1] in FEATURES else None


def is_station_shared(module: str) -> bool:
    return (
        module.startswith("stations")
        and station_feature(module) is None
        and not within(module, "stations.demo", "stations.management")
    )


def violation(edge: Edge) -> str | None:
    """Why the edge is forbidden, or None when it is allowed."""
    source, target = edge.source, edge.target
    source_app, target_app = source.split(".")[0], target.split(".")[0]
    if is_ground(source):
        return None if is_ground(target) else "the ground floor imports no other first-party code"
    if is_command(source):
        return None
    if target_app == "home" and not is_ground(target) and source_app != "home":
        return "only home itself uses home's pages; other apps use home.base"
    if within(target, "home.demo") and source != "home.management.commands.load_demo":
        return "loaders never import the demo conductor"
    if source_app == "search" and target_app in ("stations", "stories"):
        return "search knows page types only by their registration"
    if source_app == "stations" and target_app == "stories":
        return "stations never import stories"
    if (
        source_app == "stories"
        and target_app == "stations"
        and not within(target, "stations.models")
    ):
        return "stories may name a station's models, no station feature code"
    page_app_to_search = source_app in ("home", "stations", "stories") and target_app == "search"
    if page_app_to_search and not within(target, *SEARCH_FOR_PAGES):
        return "page apps use search only through fields, markers and the type registry"
    if source_app == "home" and target_app in ("stations", "stories"):
        if within(source, "home.demo") and within(target, *DEMO_LOADERS):
            return None
        if within(source, "home.models") and within(target, *HOME_PAGE_SHOWS):
            return None
        return "home's page may show the other apps' lists; only the conductor calls loaders"
    if source_app == "stations" and target_app == "stations":
        mine, theirs = station_feature(source), station_feature(target)
        if theirs is None or mine == theirs:
            return None
        if mine is not None:
            return "a station feature does not import another feature"
        if within(source, *STATION_REGISTRIES) or within(source, "stations.demo"):
            return None
        return "shared station code does not import a feature"
    if source_app != "portal" and target_app == "portal":
        return "apps do not import the project package (settings, urls)"
    return None


def test_every_module_keeps_to_the_import_rules():
    found = [
        f"{edge}: {why}"
        for path in first_party_modules()
        for edge in imports_of(path)
        if (why := violation(edge))
    ]
    assert not found, "Forbidden imports:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("home.base.filters", "stations.models"),
        ("home.base.mixins", "home.models"),
        ("stations.models.stations", "stories.listing"),
        ("stations.activities.listing", "home.models"),
        ("search.query", "home.models"),
        ("search.query", "stations.models"),
        ("stories.listing", "stations.directory.forms"),
        ("stations.access", "stations.activities.models"),
        ("stations.activities.views", "stations.volunteers.registration"),
        ("stations.demo.loader", "home.demo"),
        ("home.models.pages", "stations.directory.listing"),
        ("home.policy_register", "stories.models"),
        ("stations.models.stations", "search.query"),
    ],
)
def test_a_forbidden_edge_is_caught(source, target):
    assert violation(Edge(source, target, 1))


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("stations.activities.listing", "home.base.restrictions"),
        ("stations.activities.listing", "stations.models"),
        ("stories.listing", "stations.models"),
        ("home.models.pages", "stories.listing"),
        ("home.demo", "stations.demo"),
        ("stations.models", "stations.activities.models"),
        ("search.management.commands.benchmark_search_speed", "home.models"),
        ("stations.models.stations", "search.fields"),
    ],
)
def test_an_allowed_edge_passes(source, target):
    assert violation(Edge(source, target, 1)) is None


def test_function_level_and_relative_imports_are_read(tmp_path, monkeypatch):
    package = tmp_path / "stations" / "activities"
    package.mkdir(parents=True)
    module = package / "example.py"
    module.write_text(
        "from .signup import sign_up\ndef f():\n    from stories.listing import latest_stories\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    targets = {edge.target for edge in imports_of(module)}
    assert targets == {"stations.activities.signup.sign_up", "stories.listing.latest_stories"}
