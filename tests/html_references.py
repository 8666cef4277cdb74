"""What a rendered page's ids and references say, read with the standard library's HTML parser:
each aria-describedby (and the other attributes that name ids) must name elements that exist,
or a screen reader reads nothing; no id may be used twice; no form may post to action=""."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Attributes whose value is a space-separated list of ids of the same document.
ID_LIST_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Document:
    elements: list[Element] = field(default_factory=list)
    by_id: dict[str, Element] = field(default_factory=dict)
    duplicate_ids: list[str] = field(default_factory=list)

    def described(self, element_id: str) -> list[Element]:
        """The elements the element with this id is described by, in order."""
        names = self.by_id[element_id].attrs.get("aria-describedby", "").split()
        return [self.by_id[name] for name in names if name in self.by_id]

    def broken_references(self) -> list[str]:
        broken = []
        for element in self.elements:
            for name in ID_LIST_ATTRIBUTES:
                for target in element.attrs.get(name, "").split():
                    if target not in self.by_id:
                        broken.append(f'<{element.tag} {name}="{target}">')
            label_for = element.attrs.get("for") if element.tag == "label" else None
            if label_for and label_for not in self.by_id:
                broken.append(f'<label for="{element.attrs["for"]}">')
        return broken

    def empty_form_actions(self) -> list[Element]:
        return [e for e in self.elements if e.tag == "form" and e.attrs.get("action") == ""]

    def problems(self) -> list[str]:
        return (
            self.broken_references()
            + [f'id="{name}" twice' for name in self.duplicate_ids]
            + ['<form action="">' for _form in self.empty_form_actions()]
        )


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.document = Document()
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.document.elements.append(element)
        element_id = element.attrs.get("id")
        if element_id:
            if element_id in self.document.by_id:
                self.document.duplicate_ids.append(element_id)
            self.document.by_id[element_id] = element
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def read(html: str) -> Document:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.document
