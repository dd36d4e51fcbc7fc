"""Create the "admin" superuser, or reset it, and print how to log in.

`make run` calls this on every start, so a fresh clone needs no extra step and no password is
ever fixed in the code: each run generates a new one, unless DJANGO_ADMIN_PASSWORD chooses it.
"""

import os
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_ENV = "DJANGO_ADMIN_PASSWORD"  # noqa: S105 (the name of a variable, not a password)


class Command(BaseCommand):
    help = (
        "Create or reset a superuser (default: admin) with a freshly generated password, or the "
        f"one in {PASSWORD_ENV}, and print the admin URL, username and password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/admin/",
            help="The admin address to print (default: %(default)s).",
        )

    def handle(self, *args, username: str, url: str, **options):
        chosen = os.environ.get(PASSWORD_ENV, "")
        password = chosen or secrets.token_urlsafe(18)

        User = get_user_model()
        with transaction.atomic():
            user, created = User._default_manager.get_or_create(**{User.USERNAME_FIELD: username})
            if chosen:
                # A chosen password gets the same checks as one set in the admin.
                try:
                    password_validation.validate_password(chosen, user)
                except ValidationError as error:
                    raise CommandError(f"{PASSWORD_ENV} is too weak: {' '.join(error)}") from None
            user.is_active = user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()

        self.stdout.write(
            self.style.SUCCESS(f"{'Created' if created else 'Reset'} the admin login.")
        )
        self.stdout.write(f"  Admin:    {url}")
        self.stdout.write(f"  Username: {username}")
        if chosen:
            self.stdout.write(f"  Password: the value of {PASSWORD_ENV}")
        else:
            self.stdout.write(f"  Password: {password}")
            self.stdout.write(f"  (a new one on every run; set {PASSWORD_ENV} to choose one)")
