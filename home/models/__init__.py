from home.base.cache_versions import CacheVersion

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
    "CacheVersion",
    "HomePage",
    "StandardPage",
    "PolicyAttachment",
    "PolicyDocumentPage",
    "PolicyIndexPage",
    "PolicyKind",
    "PolicyRelation",
    "PolicyStatus",
]
