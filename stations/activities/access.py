"""Station managers and their station's activities in the Wagtail admin.

Activities live under the one activity index, not under their station (a station foreign key
says whose they are), so Wagtail's tree permissions cannot say "station A's activities". Here a
manager's rights over activities follow from their rights over the station page
(stations/access.py: managed_stations): whoever may edit station A may add activities for A and
edit A's activities, and submit them to the review workflow (内容发布审核); a reviewer's approval
publishes them, as for editors. Another station's activities stay out of reach: not in the
explorer, the admin search, the admin API or the page chooser, and every page view (edit,
delete, copy, move, publish, preview, history …) refuses them through the page's permission
tester. Editors, reviewers and superusers keep Wagtail's own rules.

Three pieces, because Wagtail asks in three places:
- ActivityIndexPermissionTester / ActivityPermissionTester: what the page views ask of one page
  (ActivityIndexPage / ActivityPage.permissions_for_user);
- ActivityPagePermissionPolicy: which pages the explorer, search, API and reports list
  (registered for Page in models/pages.py, so it is in place before any request);
- limited_to_own_stations: the activity form's station field and the page chooser.
"""

from django.db.models import QuerySet
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

# What a station manager may do with their own station's activities, in Wagtail's action names.
# Without "publish", saving offers 保存草稿 and 提交给内容发布审核; add "publish" here to let
# managers publish their activities directly instead.
ACTIVITY_RIGHTS = frozenset({"change"})
# Tree grants that make a user an editor of every activity, whatever their stations.
EDITOR_RIGHTS = frozenset({"add", "change"})


def _cached(user, name: str, compute):
    # The user object lives for one request: the explorer's per-row checks cost one query each.
    value = getattr(user, name, None)
    if value is None:
        value = compute()
        setattr(user, name, value)
    return value


def _is_staff_candidate(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def station_activity_indexes(user) -> tuple[Page, ...]:
    """The activity index pages a manager of any station may add activities under."""
    from stations.access import managed_station_ids
    from stations.models import ActivityIndexPage

    if not _is_staff_candidate(user) or user.is_superuser or not managed_station_ids(user):
        return ()
    return _cached(
        user,
        "_station_activity_indexes",
        lambda: tuple(Page.objects.type(ActivityIndexPage).only("pk", "path", "depth")),
    )


def station_activity_ids(user) -> frozenset[int]:
    """The activities of the stations the user manages."""
    from stations.access import managed_station_ids
    from stations.models import ActivityPage

    if not _is_staff_candidate(user) or user.is_superuser:
        return frozenset()
    stations = managed_station_ids(user)
    if not stations:
        return frozenset()
    return _cached(
        user,
        "_station_activity_ids",
        lambda: frozenset(
            ActivityPage.objects.filter(station_id__in=stations).values_list("pk", flat=True)
        ),
    )


def station_rights_over(user, page) -> frozenset[str]:
    """The actions the user holds on `page` through the stations they manage (besides the tree)."""
    if page.pk is None:
        return frozenset()
    if any(index.pk == page.pk for index in station_activity_indexes(user)):
        return frozenset({"add"})
    if page.pk in station_activity_ids(user):
        return ACTIVITY_RIGHTS
    return frozenset()


def _tree_rights(user, page) -> set[str]:
    """Wagtail's own rights of the user on `page`: the grants on it and its ancestors."""
    from wagtail.permissions import policy_registry

    return {
        grant.permission.codename.rsplit("_", maxsplit=1)[0]
        for grant in policy_registry.get(page).get_cached_permissions_for_user(user)
        if page.path.startswith(grant.page.path)
    }


def limited_to_own_stations(user) -> bool:
    """Whether the user works on activities only as a station manager: then the activity form
    offers only their stations and the page chooser hides other stations' activities. Editors
    (add or change on the activity index through the tree) and superusers are not limited."""
    from stations.access import managed_station_ids

    if not _is_staff_candidate(user) or user.is_superuser or not managed_station_ids(user):
        return False

    def compute():
        indexes = station_activity_indexes(user)
        return not any(EDITOR_RIGHTS & _tree_rights(user, index) for index in indexes)

    return _cached(user, "_activities_limited_to_own_stations", compute)


def without_other_stations_activities(user, pages: QuerySet) -> QuerySet:
    """construct_page_chooser_queryset: a station manager's page chooser (links, page fields,
    move and copy destinations) lists no other station's activity, live or draft."""
    from stations.access import managed_stations
    from stations.models import ActivityPage

    if not limited_to_own_stations(user):
        return pages
    others = ActivityPage.objects.exclude(station__in=managed_stations(user)).values("pk")
    return pages.exclude(pk__in=others)


# --- what the page views ask of one page ---------------------------------------------------------


class ActivityIndexPermissionTester(PagePermissionTester):
    """A station manager may add activities under the index (and nothing else there)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            self.permissions = self.permissions | station_rights_over(user, page)


class ActivityPermissionTester(PagePermissionTester):
    """A station manager may edit (and submit) their own station's activities: the stored
    activity's station decides, and the form lets them choose only their own stations."""

    def __init__(self, user, page):
        super().__init__(user, page)
        # True when the rights come from the station alone, not from the tree.
        self.by_station = False
        if user.is_active and not user.is_superuser:
            extra = station_rights_over(user, page)
            self.by_station = bool(extra) and not (EDITOR_RIGHTS & self.permissions)
            self.permissions = self.permissions | extra

    def can_delete(self, ignore_bulk=False):
        if self.by_station:
            # Deleting an activity deletes its sign-ups and check-ins: a manager may delete only
            # a draft that was never published, which no resident can have signed up to.
            return not self.page.live and self.page.first_published_at is None
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        # Activities have one possible parent; a manager has nothing to move them to.
        return False if self.by_station else super().can_move()


# --- which pages the explorer, search, admin API and reports list -------------------------------


class ActivityPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, plus the activity index and the own station's
    activities for station managers. For everyone else it answers exactly as Wagtail's."""

    def _pages(self, pks) -> QuerySet:
        return self.model._default_manager.filter(pk__in=pks)

    def user_has_any_permission(self, user, actions):
        if super().user_has_any_permission(user, actions):
            return True
        return "add" in set(actions) and bool(station_activity_indexes(user))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if super().user_has_any_permission_for_instance(user, actions, instance):
            return True
        return bool(set(actions) & station_rights_over(user, instance))

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        if self._base_queryset_for_user(user) is not None:
            return pages
        actions = set(actions)
        indexes = station_activity_indexes(user)
        if "add" in actions and indexes:
            pages = pages | self._pages([index.pk for index in indexes])
        if actions & ACTIVITY_RIGHTS and (own := station_activity_ids(user)):
            pages = pages | self._pages(own)
        return pages

    def instances_with_direct_explore_permission(self, user):
        pages = super().instances_with_direct_explore_permission(user)
        if user.is_superuser:
            return pages
        # The explorer then opens at the common ancestor of the station and the activity list.
        return list(pages) + list(station_activity_indexes(user))

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        if self._base_queryset_for_user(user) is not None:
            return pages
        indexes = station_activity_indexes(user)
        if not indexes:
            return pages
        manager = self.model._default_manager
        pages = pages | self._pages([index.pk for index in indexes])
        if own := station_activity_ids(user):
            pages = pages | self._pages(own)
        for index in indexes:
            pages = pages | manager.ancestor_of(index)
        # As Wagtail does: nothing above the first common ancestor of what the grants reach.
        grants = [grant.page for grant in self.get_cached_permissions_for_user(user)]
        top = self.model.base_page_model.objects.first_common_ancestor_of(grants + list(indexes))
        return pages.filter(path__startswith=top.path)
