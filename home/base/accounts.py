from django.contrib.auth import get_user_model


def ensure_member(group, *, username: str, password: str = "", email: str = "") -> bool:
    """Put `username` (created if missing) in `group`; True if the account was created.

    The password is set only on a new account, so running the demo loader again never resets
    a password someone has since changed; without one the account cannot log in until an
    administrator sets it.
    """
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    user.groups.add(group)
    return created
