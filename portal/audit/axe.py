"""axe-core's results read into findings: every violation of every impact, one finding per
element, so the list says where to look and the count cannot hide a second element."""

from collections.abc import Mapping

from .findings import Finding, shorten

# A page made to fail (an image without alt text): axe must report it, or its results are not
# being read and a clean result would mean nothing.
AXE_CANARY = (
    '<!DOCTYPE html><html lang="zh-CN"><head><title>canary</title></head>'
    '<body><main><h1>canary</h1><img src="data:,"></main></body></html>'
)
AXE_CANARY_RULE = "image-alt"
# What the page runs once axe-core is loaded: violations only (passes are most of the size).
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return {testEngine: result.testEngine, url: result.url, violations: result.violations};
}"""


class AxeError(RuntimeError):
    """axe's answer is not what axe-core answers: no violations list, or entries without ids."""


def axe_findings(result: Mapping) -> list[Finding]:
    """One finding per element of each violation in axe.run's result (its `violations` list)."""
    violations = result.get("violations") if isinstance(result, Mapping) else None
    if not isinstance(violations, list):
        raise AxeError("axe's result has no list of violations.")
    findings = []
    for violation in violations:
        rule = violation.get("id") if isinstance(violation, Mapping) else None
        if not rule:
            raise AxeError(f"An axe violation without a rule id: {shorten(violation)}")
        nodes = violation.get("nodes") or [{}]  # a violation always names elements; if not, one
        for node in nodes:
            target = node.get("target") or []
            where = " ".join(_selector(part) for part in target)
            related = [other for other in _related(node) if other != where]
            if related:
                where += f"; with {', '.join(related)}"
            findings.append(
                Finding(
                    tool="axe",
                    severity=node.get("impact") or violation.get("impact") or "unknown",
                    rule=rule,
                    message=_message(violation, node),
                    where=where,
                    extract=shorten(node.get("html") or "", 160),
                )
            )
    return findings


def _selector(part) -> str:
    # Inside a shadow root or frame axe gives a list of selectors, outermost first.
    return " >> ".join(part) if isinstance(part, list) else str(part)


def _message(violation: Mapping, node: Mapping) -> str:
    """The rule's summary, and what its check found on this element (e.g. the contrast)."""
    summary = violation.get("help") or violation.get("description") or ""
    found = next(
        (
            check.get("message")
            for group in ("any", "all", "none")
            for check in node.get(group) or []
            if check.get("message")
        ),
        "",
    )
    return shorten(f"{summary}: {found}" if found else summary, 300)


def _related(node: Mapping) -> list[str]:
    """The other elements a check names (the second landmark of the same name, the label
    two fields share), by their selectors."""
    found = []
    for group in ("any", "all", "none"):
        for check in node.get(group) or []:
            for other in check.get("relatedNodes") or []:
                selector = " ".join(_selector(part) for part in other.get("target") or [])
                if selector and selector not in found:
                    found.append(selector)
    return found[:5]


def check_axe_canary(result: Mapping) -> None:
    """AxeError unless the canary page's result reports its missing alt text."""
    rules = {finding.rule for finding in axe_findings(result)}
    if AXE_CANARY_RULE not in rules:
        raise AxeError(
            f"axe-core did not report {AXE_CANARY_RULE} on a page made to fail it "
            f"(it reported {sorted(rules) or 'nothing'}): its results are not being read."
        )
