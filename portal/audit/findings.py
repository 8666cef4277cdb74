"""What the audit checks (a page, by its path) and what the checkers found on it."""

from dataclasses import dataclass
from urllib.parse import quote

from portal.log_redaction import redact

# The hosts the audit's browsers may reach: the site and the tile server, on this machine.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Target:
    label: str
    path: str  # as shown: Chinese stays readable
    # Open the page, then send its POST form as it stands (browser-side checks off), and check
    # the answer: the form with its error messages.
    submit: bool = False
    # What the page should answer; anything else is a failure of its own.
    statuses: tuple[int, ...] = (200,)

    @property
    def shown_path(self) -> str:
        """The path as printed: a sign-up's secret link redacted, as in every log."""
        return redact(self.path)

    @property
    def request_path(self) -> str:
        return quote(self.path, safe="/?=&.-_%~")

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "path": self.path,
            "submit": self.submit,
            "statuses": list(self.statuses),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Target":
        return cls(
            label=str(data["label"]),
            path=str(data["path"]),
            submit=bool(data.get("submit", False)),
            statuses=tuple(int(status) for status in data.get("statuses", [200])),
        )


@dataclass(frozen=True)
class Finding:
    tool: str  # "axe", "html" or "network"
    severity: str  # axe's impact; "error" or "warning" for the HTML checker
    rule: str  # axe's rule id; empty for the HTML checker, whose messages have none
    message: str
    where: str = ""  # CSS selectors, or "line 12, column 5"
    extract: str = ""  # the markup concerned, shortened

    def line(self) -> str:
        parts = [f"{self.tool} {self.severity}"]
        if self.rule:
            parts.append(self.rule)
        text = f"{' '.join(parts)}: {self.message}"
        if self.where:
            text += f" [{self.where}]"
        if self.extract:
            text += f"\n      {self.extract}"
        return text


def shorten(text: str, limit: int = 200) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
