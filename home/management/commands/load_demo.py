import os
import textwrap
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from home.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create the page tree and load the demo content from the source documents. "
        "Safe to run again: nothing that exists is created twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=settings.SEEDS_DIR,
            help=(
                "Folder holding documents.json and the source texts "
                "(default: ../shared/seeds, else home/seeds)."
            ),
        )
        parser.add_argument(
            "--admin-user",
            default=os.environ.get("DEMO_ADMIN_USERNAME", ""),
            help="Also create this superuser (or set DEMO_ADMIN_USERNAME).",
        )
        parser.add_argument(
            "--admin-password",
            default=os.environ.get("DEMO_ADMIN_PASSWORD", ""),
            help="Password for --admin-user (or set DEMO_ADMIN_PASSWORD).",
        )
        parser.add_argument("--admin-email", default=os.environ.get("DEMO_ADMIN_EMAIL", ""))
        parser.add_argument(
            "--manager-password",
            default=os.environ.get("DEMO_MANAGER_PASSWORD", ""),
            help=(
                "Also create one manager account per demo station (manager-<station slug>), "
                "each able to see only its own station, with this password "
                "(or set DEMO_MANAGER_PASSWORD)."
            ),
        )

        parser.add_argument(
            "--editor-password",
            default=os.environ.get("DEMO_EDITOR_PASSWORD", ""),
            help=(
                "Also create 'demo-editor' (内容编辑: writes and submits) and 'demo-reviewer' "
                "(内容审核员: approves or requests changes) with this password, to try the "
                "review workflow (or set DEMO_EDITOR_PASSWORD)."
            ),
        )

    def handle(
        self,
        *args,
        seeds,
        admin_user,
        admin_password,
        admin_email,
        manager_password,
        editor_password,
        verbosity,
        **options,
    ):
        if not (seeds / "documents.json").is_file():
            raise CommandError(
                f"No documents.json in {seeds}: pass --seeds or set PORTAL_SEEDS_DIR."
            )
        if admin_user and not admin_password:
            raise CommandError("--admin-user needs --admin-password (or DEMO_ADMIN_PASSWORD).")
        if admin_user:
            self._check_password(admin_user, admin_password, admin_email)
        for label, password in (("Manager", manager_password), ("Editor", editor_password)):
            if not password:
                continue
            try:
                validate_password(password)
            except ValidationError as error:
                refused = " ".join(error.messages)
                raise CommandError(f"{label} password refused: {refused}") from None

        report = load_demo(
            seeds_dir=seeds, manager_password=manager_password, editor_password=editor_password
        )
        if verbosity > 1:
            for label in report.created:
                self.stdout.write(f"  created  {label}")
            for label in report.existing:
                self.stdout.write(f"  exists   {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {len(report.created)} created, "
                f"{len(report.existing)} already there."
            )
        )
        if report.manager_usernames:
            self._list_managers(report.manager_usernames)
        if report.staff_usernames:
            self.stdout.write(
                f"Review workflow: '{report.staff_usernames[0]}' writes and submits, "
                f"'{report.staff_usernames[1]}' approves, with the password given."
            )
        from stations.demo.service import certificate_note
        from stations.demo.volunteers import sign_in_note

        self.stdout.write(sign_in_note())
        self.stdout.write(certificate_note())
        if admin_user:
            self._ensure_admin(admin_user, admin_password, admin_email)
        else:
            self.stdout.write(
                "No admin user was created. To get one: "
                "manage.py load_demo --admin-user NAME --admin-password PASSWORD "
                "(or DEMO_ADMIN_USERNAME / DEMO_ADMIN_PASSWORD), or manage.py createsuperuser."
            )

    def _list_managers(self, usernames):
        # Every name, as the README says: a developer picks the station they want to try.
        self.stdout.write(
            f"Station managers: {len(usernames)} accounts with the password given, each "
            f"seeing only its own station at {settings.WAGTAILADMIN_BASE_URL}/admin/ (its page, "
            "registrations and sign-ups; it adds and edits the station's activities and submits "
            "them for review):"
        )
        lines = textwrap.wrap(
            ", ".join(usernames),
            width=100,
            initial_indent="  ",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for line in lines:
            self.stdout.write(line)

    def _check_password(self, username, password, email):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            refused = " ".join(error.messages)
            raise CommandError(f"Password for '{username}' refused: {refused}") from None

    def _ensure_admin(self, username, password, email):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user:
            self.stdout.write(f"Admin user '{username}' already exists; its password is unchanged.")
        else:
            User.objects.create_superuser(username=username, email=email, password=password)
            self.stdout.write(self.style.SUCCESS(f"Created admin user '{username}'."))
        self.stdout.write(
            f"Log in at {settings.WAGTAILADMIN_BASE_URL}/admin/ as '{username}' "
            "with the password given."
        )
