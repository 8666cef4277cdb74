"""Station managers: one Wagtail group per station, and who may see which registrations.

A manager edits and publishes their own station page, uploads its 七个有 evidence into the
station's own collection, and sees that station's registrations, nobody else's. Their rights
over the station's activities follow from the same page permission
(stations/activities/access.py): add, edit and submit for review, no others'. Being able to
edit the whole page tree does not make an editor a station manager: only page permissions set
directly on a station page do. The same goes for the sign-ups to the station's activities.
"""

from django.contrib import messages
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from home.base.accounts import ensure_member
from stations.models.stations import StationPage

GROUP_PREFIX = "站点管理员："
MANAGER_RECORD_PERMISSIONS = (
    ("stations", "view_checkin"),
    ("stations", "view_servicerecord"),
    ("stations", "change_servicerecord"),
    ("stations", "view_correctionrequest"),
    ("stations", "change_correctionrequest"),
    ("stations", "view_certificaterequest"),
    ("stations", "change_certificaterequest"),
    ("stations", "view_servicecertificate"),
    ("stations", "add_servicecertificate"),
    ("stations", "change_servicecertificate"),
    ("stations", "view_exchangeitem"),
    ("stations", "add_exchangeitem"),
    ("stations", "change_exchangeitem"),
    ("stations", "delete_exchangeitem"),
    ("stations", "view_pointexchange"),
    ("stations", "change_pointexchange"),
)
FILES_COLLECTION = "站点资料"
PAGE_PERMISSIONS = ("change_page", "publish_page")
MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("stations", "view_volunteerregistration"),
    # The sign-ups admin (admin_signups.py): view to list and export; change only to record
    # attendance, the one thing it lets anyone alter.
    ("stations", "view_activitysignup"),
    ("stations", "change_activitysignup"),
    # Service records (谁组织谁记录): the station's own records, corrections, check-ins,
    # certificates and its 时间银行 catalogue and exchanges; each admin narrows to the station.
    *MANAGER_RECORD_PERMISSIONS,
)
# On the station's own collection only (stations/files.py says who sees which file). "change"
# lets the manager edit, replace and delete any of the station's files, not just those they
# uploaded themselves: the demo's, a predecessor's, an editor's.
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
VIEW_ALL = "stations.view_all_registrations"


def _station_tag(station) -> str:
    # The id keeps the name unique and findable when the station is renamed.
    return f"（#{station.pk}）"


def _named(station, *, prefix: str = "", max_length: int) -> str:
    tag = _station_tag(station)
    room = max_length - len(prefix) - len(tag)
    return f"{prefix}{station.title[:room]}{tag}"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=codename
    )


def _find_or_create_child(parent: Collection, *, name: str, tag: str = "") -> Collection:
    children = parent.get_children()
    found = (children.filter(name__endswith=tag) if tag else children.filter(name=name)).first()
    if found is None:
        return parent.add_child(name=name)
    if found.name != name:
        found.name = name
        found.save(update_fields=["name"])
    return found


def ensure_station_collection(station) -> Collection:
    """站点资料 / <station>: where the station's photos and evidence files go."""
    parent = _find_or_create_child(Collection.get_first_root_node(), name=FILES_COLLECTION)
    name = _named(station, max_length=Collection._meta.get_field("name").max_length)
    return _find_or_create_child(parent, name=name, tag=_station_tag(station))


@transaction.atomic
def ensure_manager_group(station) -> Group:
    """The station's manager group with its permissions; safe to call again at any time."""
    name = _named(station, prefix=GROUP_PREFIX, max_length=Group._meta.get_field("name").max_length)
    group = Group.objects.filter(
        name__startswith=GROUP_PREFIX, name__endswith=_station_tag(station)
    ).first()
    if group is None:
        group = Group.objects.create(name=name)
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])

    group.permissions.add(*(_permission(app, codename) for app, codename in MODEL_PERMISSIONS))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=station, permission=_page_permission(codename)
        )
    collection = ensure_station_collection(station)
    for app, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app, codename)
        )
    return group


def ensure_manager_user(*, station, username: str, password: str = "", email: str = "") -> bool:
    """Put `username` (created if missing) in the station's manager group; True if created."""
    return ensure_member(
        ensure_manager_group(station), username=username, password=password, email=email
    )


# --- who sees what ------------------------------------------------------------------------------


def managed_stations(user):
    """Stations (live or draft) on which one of the user's groups may edit that very page."""
    if user is None or not user.is_authenticated or not user.is_active:
        return StationPage.objects.none()
    pages = GroupPagePermission.objects.filter(
        group__user=user, permission=_page_permission("change_page")
    ).values("page_id")
    return StationPage.objects.filter(pk__in=pages)


def managed_station_ids(user) -> frozenset[int]:
    """managed_stations(user) as ids, cached on the user object (it lives for one request), so
    the admin's per-row permission checks cost one query per request."""
    cached = getattr(user, "_managed_station_ids", None)
    if cached is None:
        cached = frozenset(managed_stations(user).values_list("pk", flat=True))
        if user is not None:
            user._managed_station_ids = cached
    return cached


def sees_all_registrations(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(VIEW_ALL))
    )


def station_rows_visible_to(user, rows, *, station: str = "station"):
    """Rows tied to a station (registrations, sign-ups …; `station` is the lookup to it): all of
    them for superusers and holders of view_all_registrations; otherwise those of the stations
    the user manages; none for anyone else."""
    if sees_all_registrations(user):
        return rows
    if user is None or not user.is_authenticated or not user.is_active:
        return rows.none()
    return rows.filter(**{f"{station}__in": managed_stations(user)})


def visible_station_ids(user) -> set[int] | None:
    """The stations whose registrations the user sees (None: all), cached on the user object,
    which lives for one request, so a listing checks each row without a query per row."""
    cached = getattr(user, "_registration_station_ids", False)
    if cached is False:
        cached = (
            None
            if sees_all_registrations(user)
            else set(managed_stations(user).values_list("pk", flat=True))
        )
        if user is not None:
            user._registration_station_ids = cached
    return cached


def can_see_station_row(user, station_id: int) -> bool:
    """Whether a row of this station is visible to the user, by the rule above."""
    ids = visible_station_ids(user)
    return ids is None or station_id in ids


# --- what a manager may not do ------------------------------------------------------------------


def may_delete_station(user, station) -> bool:
    """Deleting a station deletes its registrations: only people with rights above the station
    (the directory's editors, superusers) may, never a manager whose rights stop at the page.

    Wagtail lets anyone with change + publish on a leaf page delete it, hence this check.
    """
    if user.is_superuser:
        return True
    parent = station.get_parent()
    return parent is not None and parent.permissions_for_user(user).can_edit()


def guard_station_deletion(request, page):
    """before_delete_page hook."""
    if isinstance(page.specific_deferred, StationPage) and not may_delete_station(
        request.user, page
    ):
        return _refuse_deletion(request, page)
    return None


def guard_station_bulk_deletion(request, action_type, objects, action_class_instance):
    """before_bulk_action hook: the same rule for the page listing's bulk delete."""
    if action_type != "delete":
        return None
    for page in objects:
        if isinstance(page.specific_deferred, StationPage) and not may_delete_station(
            request.user, page
        ):
            return _refuse_deletion(request, page)
    return None


def _refuse_deletion(request, page):
    messages.error(
        request,
        _(
            "站点“%(station)s”不能由站点管理员删除：删除站点会同时删除它的全部志愿者注册。"
            "如需撤下站点，请取消发布，或联系门户管理员。"
        )
        % {"station": page.title},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
