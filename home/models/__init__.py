from .pages import HomePage, StandardPage
from .policies import (
    PolicyAttachment,
    PolicyDocumentPage,
    PolicyIndexPage,
    PolicyKind,
    PolicyRelation,
    PolicyStatus,
)

__all__ = [
    "HomePage",
    "StandardPage",
    "PolicyAttachment",
    "PolicyDocumentPage",
    "PolicyIndexPage",
    "PolicyKind",
    "PolicyRelation",
    "PolicyStatus",
]
