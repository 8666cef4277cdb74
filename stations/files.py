"""Station files: who sees which images and documents, and which documents anyone may download.

Each station's photos and 七个有 evidence live in its own collection, 站点资料 / <station>
(stations/access.py), where the station's manager group may add, choose and change them. So:

- Listings, edit views and choosers (page fields, StreamField blocks, rich text, their search):
  Wagtail already limits them to the collections a user holds permissions on; the tests in
  tests/stations/test_station_files.py hold it to that.
- The admin API (/admin/api/main/documents/ and images/) lists every item to anyone who may
  open the admin; here its two endpoints are replaced by ones showing what the user may choose
  or change, like the choosers. Someone with no image or document permission (a reviewer who
  only approves pages) gets an empty list there, as in the choosers.
- Downloads: a document in a station collection is public only while a live page without a
  view restriction uses it (Wagtail's reference index knows which). Until then it is the
  station's working file: its manager, editors and superusers may download it, and so may the
  reviewers of a page awaiting their approval that uses it; for anyone else it does not exist
  (404, not 403). Documents outside the station collections keep Wagtail's own rules.
- Images: the sizes pages show (renditions) are public, like the pages themselves.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.api.v2.serializers import TagsField
from wagtail.api.v2.utils import get_restricted_collection_ids
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.api.v2.serializers import DocumentSerializer
from wagtail.images.api.admin.serializers import AdminImageSerializer
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Collection, Page, ReferenceIndex, TaskState
from wagtail.permissions import policy_registry

from stations.access import FILES_COLLECTION

# What a user may see of an image or document anywhere in the admin: what they may pick in a
# chooser or edit. (For Wagtail's ownership policy "change" includes their own uploads.)
SEE = ("choose", "change")


def files_visible_to(user, model):
    """The images or documents (`model`) the user may choose or change: every one for
    superusers and editors, their stations' for managers, none for anyone else."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, SEE)


def is_station_collection(collection: Collection) -> bool:
    """Whether the collection is 站点资料 or one of the station collections under it."""
    root = Collection.objects.filter(depth=2, name=FILES_COLLECTION).only("path").first()
    return root is not None and collection.path.startswith(root.path)


def used_by_public_page(document) -> bool:
    """Whether a live page with no view restriction (on it or above it) uses the document, in
    the content it has online: the reference index holds a page's live fields, its child rows
    (the 七个有 checks) and its StreamField and rich-text references."""
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    }
    return bool(page_ids) and Page.objects.live().public().filter(pk__in=page_ids).exists()


def _references(obj, document) -> bool:
    target = (ReferenceIndex._get_base_content_type(document).pk, str(document.pk))
    # The extraction Wagtail indexes live pages with, applied to the revision under review.
    return any(
        (content_type_id, object_id) == target
        for content_type_id, object_id, _model_path, _content_path in (
            ReferenceIndex._extract_references_from_object(obj)
        )
    )


def under_review_by(user, document) -> bool:
    """Whether a revision awaiting this user's approval uses the document: what they review
    includes its evidence."""
    states = TaskState.objects.reviewable_by(user).select_related("revision")
    return any(_references(state.revision.as_object(), document) for state in states)


def may_download(user, document) -> bool:
    """The rule for a document in a station collection (see the module's docstring)."""
    if used_by_public_page(document):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    policy = policy_registry.get_by_type(type(document))
    if policy.user_has_any_permission_for_instance(user, SEE, document):
        return True
    return under_review_by(user, document)


def guard_station_document(document, request):
    """before_serve_document hook: a station's working file does not exist for those who may
    not see it."""
    if is_station_collection(document.collection) and not may_download(request.user, document):
        raise Http404
    return None


# --- the admin API ------------------------------------------------------------------------------


class _PrefetchedTagsField(TagsField):
    """Tag names read from the listing's prefetched tags: Wagtail's field queries per item."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class _VisibleDocumentSerializer(DocumentSerializer):
    tags = _PrefetchedTagsField(read_only=True)


class _VisibleImageSerializer(AdminImageSerializer):
    tags = _PrefetchedTagsField(read_only=True)


class _VisibleFilesMixin:
    # What each listed item shows (tags; an image's thumbnail), read in one query per kind,
    # so a listing costs the same however many items and collections there are.
    prefetch = ("tags",)

    def get_queryset(self):
        # Wagtail's endpoints leave out view-restricted collections and nothing else; the
        # permission filter is on the collection, like the choosers', so search backends
        # (Elasticsearch included) can apply it.
        return (
            files_visible_to(self.request.user, self.model)
            .exclude(collection__in=get_restricted_collection_ids(self.request))
            .prefetch_related(*self.prefetch)
            .order_by("id")
        )


class VisibleDocumentsAdminAPIViewSet(_VisibleFilesMixin, DocumentsAdminAPIViewSet):
    base_serializer_class = _VisibleDocumentSerializer


class VisibleImagesAdminAPIViewSet(_VisibleFilesMixin, ImagesAdminAPIViewSet):
    base_serializer_class = _VisibleImageSerializer
    prefetch = ("tags", "renditions")


def replace_admin_api_endpoints(router):
    """construct_admin_api hook, run after Wagtail's own: the same names, filtered."""
    router.register_endpoint("documents", VisibleDocumentsAdminAPIViewSet)
    router.register_endpoint("images", VisibleImagesAdminAPIViewSet)
