"""What every app's demo loader uses: the report of what was created, and find-or-create of a
demo page, so running `load_demo` again creates nothing new. The conductor that calls every
loader is home/demo.py; loaders never import it."""

from dataclasses import dataclass, field

from django.utils.html import escape
from wagtail.models import Collection, Page


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    manager_usernames: list[str] = field(default_factory=list)
    staff_usernames: list[str] = field(default_factory=list)

    def record(self, created: bool, label: str):
        (self.created if created else self.existing).append(label)


def text_to_paragraphs(text: str) -> str:
    """One <p> per non-empty line, escaped, keeping the wording exactly as published."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def ensure_child(parent: Page, model, *, slug: str, report: DemoReport, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        report.record(False, fields.get("title", slug))
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    report.record(True, fields.get("title", slug))
    return page


DEMO_COLLECTION = "演示资料"


def demo_collection() -> Collection:
    existing = Collection.get_first_root_node().get_children().filter(name=DEMO_COLLECTION).first()
    return existing or Collection.get_first_root_node().add_child(name=DEMO_COLLECTION)
