"""revoke_api_client NAME: revoke every token of an API client."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gendan.api import services
from gendan.exceptions import DomainError


class Command(BaseCommand):
    help = "Revoke every token of an API client."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        try:
            revoked = services.api_client_revoke(name=name)
        except DomainError as exc:
            raise CommandError(f"No API client named {name!r}.") from exc
        self.stdout.write(f"Revoked {revoked} token(s) of API client {name}.")
