"""Lift the sign-in limits on a mobile number or a client address (stations/volunteers/codes.py).

    manage.py volunteer_unlock --mobile 13812345678
    manage.py volunteer_unlock --ip 203.0.113.7

Prints what each limit still held, then clears it on the shared cache (every app process's
count while Redis is up). For a number it also prints its latest codes: when each was sent,
from where, how many tries, how it ended. A code ended by its tries stays ended; the volunteer
asks for a new one. Counts an app process kept by itself while Redis was down cannot be reached
from here: they end with their window, or when the process restarts.
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stations.models import LoginCode
from stations.validators import normalise_mobile, validate_mainland_mobile
from stations.volunteers import codes


def _address(raw: str) -> str:
    """The address as the limits count it (stations.antispam.client_ip): IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        raise CommandError(f"Not an IP address: {raw!r}") from None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _state(row: LoginCode, now) -> str:
    if row.used_at:
        return f"used {timezone.localtime(row.used_at):%Y-%m-%d %H:%M:%S}"
    if row.superseded_at:
        return "superseded"
    if row.attempts >= codes.CODE_TRIES:
        return "tried out"
    if row.expires_at <= now:
        return "expired"
    return "open"


class Command(BaseCommand):
    help = "Lift the volunteer sign-in limits on a mobile number or a client IP address."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--mobile", help="a mainland mobile number, e.g. 13812345678")
        target.add_argument("--ip", help="a client address, as in the log lines")

    def handle(self, *args, mobile=None, ip=None, **options):
        now = timezone.now()
        if mobile is not None:
            try:
                validate_mainland_mobile(mobile)
            except ValidationError:
                raise CommandError(f"Not a mainland mobile number: {mobile!r}") from None
            mobile = normalise_mobile(mobile)
            target = codes.masked(mobile)
        else:
            ip = _address(ip)
            target = ip

        held = codes.unlock(mobile=mobile, ip=ip, now=now)
        for name, seconds in held.items():
            state = f"held for {seconds} s more" if seconds else "not reached"
            self.stdout.write(f"{target} {name}: {state}")
        if any(held.values()):
            self.stdout.write(self.style.SUCCESS(f"Unlocked {target}."))
        else:
            self.stdout.write(f"{target} was not locked; the counts are cleared anyway.")

        if mobile is not None:
            for row in LoginCode.objects.filter(mobile=mobile).order_by("-pk")[:5]:
                sent = timezone.localtime(row.created_at)
                self.stdout.write(
                    f"  code sent {sent:%Y-%m-%d %H:%M:%S} from {row.ip or '?'}: "
                    f"{row.attempts} tries, {_state(row, now)}"
                )
