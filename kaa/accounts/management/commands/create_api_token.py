"""Issue an API token for a user; prints the token once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kaa.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Create an API bearer token acting as USERNAME, and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for.")
        parser.add_argument("--days", type=int, default=None,
                            help="Days until the token expires (default: the KAA_API_TOKEN_DAYS setting).")

    def handle(self, *args, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        _token, raw = api_token_issue(actor=None, user=user, name=options["name"], days=options["days"])
        self.stdout.write(raw)
