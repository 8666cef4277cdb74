from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from stations.access import ensure_manager_user
from tests.factories.stations import MANAGER_PASSWORD, make_station_site
from tests.shared_data import shared_fixture


@shared_fixture
def site():
    """The default site with a station directory and the Guangzhou areas: (index, areas)."""
    return make_station_site()


@shared_fixture
def users(world):
    """Managers of the module's `world` stations a and b, an editor of the whole tree, a viewer
    of every station's registrations and a superuser."""
    user_model = get_user_model()
    for key in ("a", "b"):
        ensure_manager_user(
            station=world[key], username=f"manager-{key}", password=MANAGER_PASSWORD
        )
    editor = user_model.objects.create_user("editor", password=MANAGER_PASSWORD)
    # Wagtail's default groups hold add/change/publish on the root page: the whole tree.
    editor.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Moderators"))
    viewer = user_model.objects.create_user("viewer", password=MANAGER_PASSWORD)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_all_registrations"),
    )
    admin = user_model.objects.create_superuser("admin", password=MANAGER_PASSWORD)
    return {
        "manager_a": user_model.objects.get(username="manager-a"),
        "manager_b": user_model.objects.get(username="manager-b"),
        "editor": editor,
        "viewer": viewer,
        "admin": admin,
    }
