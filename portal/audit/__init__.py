"""What `manage.py audit_pages` runs: the public pages of a served site checked by axe-core (in
Debian's Chromium, through Playwright), the Nu HTML Checker (vnu.jar) and, when asked,
Lighthouse; the results read into one table and a pass or a fail.

portal sits below every app: nothing here imports one. The command (home/management/commands/
audit_pages.py) picks the pages and serves them; the parts here only check and read.
"""

from .axe import AXE_CANARY, axe_findings, check_axe_canary
from .browser import BrowserError, Visit, visit_pages
from .findings import Finding, Target
from .indexing import indexing_refusal, robots_rules
from .lighthouse import (
    CATEGORIES,
    LighthouseError,
    LighthouseResult,
    lighthouse_result,
    median_run,
    run_lighthouse,
)
from .report import PageReport, details, exception_lines, failures, table
from .tiles import TileServer
from .tools import ToolError, Tools, ensure_tools
from .vnu import VNU_CANARY, VnuError, check_vnu_canary, html_findings, run_vnu

__all__ = [
    "AXE_CANARY",
    "CATEGORIES",
    "VNU_CANARY",
    "BrowserError",
    "Finding",
    "LighthouseError",
    "LighthouseResult",
    "PageReport",
    "Target",
    "TileServer",
    "ToolError",
    "Tools",
    "Visit",
    "VnuError",
    "axe_findings",
    "check_axe_canary",
    "check_vnu_canary",
    "details",
    "ensure_tools",
    "exception_lines",
    "failures",
    "html_findings",
    "indexing_refusal",
    "lighthouse_result",
    "median_run",
    "robots_rules",
    "run_lighthouse",
    "run_vnu",
    "table",
    "visit_pages",
]
