from .mixins import DemoContentMixin
from .pages import HomePage, StandardPage
from .policies import (
    PolicyAttachment,
    PolicyDocumentPage,
    PolicyIndexPage,
    PolicyKind,
    PolicyLevel,
    PolicyRelation,
    PolicyStatus,
)

__all__ = [
    "DemoContentMixin",
    "HomePage",
    "StandardPage",
    "PolicyAttachment",
    "PolicyDocumentPage",
    "PolicyIndexPage",
    "PolicyKind",
    "PolicyLevel",
    "PolicyRelation",
    "PolicyStatus",
]
