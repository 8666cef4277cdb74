"""What the certificate tests share: two stations with managers, a volunteer with confirmed
hours at both (and a pending record), and issuing as a manager would."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from stations.access import ensure_manager_user
from stations.volunteers.certificates import issue_certificate
from tests.factories.records import confirmed_record, past_activity, volunteer
from tests.factories.stations import MANAGER_PASSWORD, StationPageFactory, make_activity_site

NAME = "张三明"
MOBILE = "13900001111"
OTHER_MOBILE = "13900002222"


def build_world(*, staff: bool = True) -> dict:
    """Station A: three confirmed records of 张三明 (3, 2.5 and 4 hours, 30, 20 and 10 days ago)
    and a pending one; station B: one confirmed record. Managers of each, a tree editor (no
    station), a viewer of every station's rows (no certificate rights) and a superuser; with
    `staff` False the managers alone (Wagtail's default groups are gone after a flush)."""
    index, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    person = volunteer(mobile=MOBILE, name=NAME)
    records = []
    for days_ago, given, title in ((30, 3, "社区清洁日"), (20, 2.5, "长者探访"), (10, 4, "义诊")):
        activity = past_activity(
            index=index, station=a, days_ago=days_ago, hours_long=4, title=title
        )
        records.append(confirmed_record(activity=activity, volunteer=person, hours_given=given))
    pending_activity = past_activity(index=index, station=a, days_ago=5, title="待确认的活动")
    from stations import hours

    hours.open_record(activity=pending_activity, volunteer=person)
    at_b = past_activity(index=index, station=b, days_ago=15, title="猎德长者饭堂")
    confirmed_record(activity=at_b, volunteer=person, hours_given=2)
    users = make_users(a, b) if staff else make_managers(a, b)
    return {"index": index, "a": a, "b": b, "person": person, "records": records, **users}


def make_managers(a, b) -> dict:
    user_model = get_user_model()
    for key, station, name in (("a", a, "王经办"), ("b", b, "赵站长")):
        ensure_manager_user(station=station, username=f"manager-{key}", password=MANAGER_PASSWORD)
        user_model.objects.filter(username=f"manager-{key}").update(first_name=name)
    return {
        "manager_a": user_model.objects.get(username="manager-a"),
        "manager_b": user_model.objects.get(username="manager-b"),
    }


def make_users(a, b) -> dict:
    user_model = get_user_model()
    managers = make_managers(a, b)
    editor = user_model.objects.create_user("editor", password=MANAGER_PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Moderators"))
    viewer = user_model.objects.create_user("viewer", password=MANAGER_PASSWORD)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_all_registrations"),
    )
    return {
        **managers,
        "editor": editor,
        "viewer": viewer,
        "admin": user_model.objects.create_superuser("admin", password=MANAGER_PASSWORD),
    }


def issue(world, *, station="a", by="manager_a", **fields):
    """A certificate for 张三明 at the station, as its manager issues it."""
    values = {
        "person_in_charge": "李主任",
        "handled_by": "王经办",
        "contact": "020-12345678",
        **fields,
    }
    return issue_certificate(
        volunteer=world["person"], station=world[station], by=world[by], **values
    )
