"""Issue an API token for a user; prints the token once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kaa.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create an API bearer token acting as USERNAME, and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for.")

    def handle(self, *args, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        _token, raw = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(raw)
