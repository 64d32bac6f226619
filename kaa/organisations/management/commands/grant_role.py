"""Give a user roles in a municipality from the server, without the second person of the UI.

For setting up an installation (the first administrator and coordinator of a municipality, who can then
approve each other's requests in the UI) and for emergencies. Whoever runs it has the server itself;
the change is audited like the UI's.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kaa.accounts.models import Membership, Role
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.organisations.models import Municipality
from kaa.organisations.services import membership_set


class Command(BaseCommand):
    help = "Add roles (and optionally the protected-identity grant) to USERNAME in a municipality, at once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--municipality", required=True, help="The municipality's 4-digit SCB code.")
        parser.add_argument("--role", action="append", required=True, choices=Role.values,
                            help="A role to add; repeat for several.")
        parser.add_argument("--protected", action="store_true",
                            help="Also give the grant to see records with a protected identity.")

    def handle(self, *args, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        try:
            municipality = Municipality.objects.get(code=options["municipality"])
        except Municipality.DoesNotExist as exc:
            raise CommandError(f"No municipality with code {options['municipality']!r}.") from exc
        with transaction.atomic():
            current = list(Membership.objects.filter(user=user, municipality=municipality))
            roles = {m.role for m in current} | set(options["role"])
            team = current[0].team if current else None
            grant = options["protected"] or any(m.may_see_protected for m in current)
            changed = membership_set(actor=None, user=user, municipality=municipality, roles=roles, team=team,
                                     may_see_protected=grant,
                                     may_see_confidential=any(m.may_see_confidential for m in current))
            audit_record(user=None, action=AuditAction.UPDATE, object_type="user", object_id=user.pk,
                         municipality_id=municipality.pk, fields=changed, detail="grant_role command")
        self.stdout.write(f"{user.username}: {', '.join(sorted(roles))} in {municipality.code}"
                          + (" with the protected-identity grant" if grant else ""))
