"""create_api_client NAME [--scopes ...] [--owner USERNAME] [--expires-in-days N]

Creates a machine client of the API (a user in the integration group) and prints its
token once, as the last line of the output. With --new-token, issues another token for
an existing client instead.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gendan.api import services
from gendan.exceptions import DomainError
from gendan.models import DEFAULT_API_SCOPES, ApiScope


class Command(BaseCommand):
    help = "Create an API client (ERP) and print its token once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="client name, also its username")
        parser.add_argument(
            "--scopes",
            nargs="+",
            choices=ApiScope.values,
            metavar="SCOPE",
            help=f"scopes (default: {' '.join(DEFAULT_API_SCOPES)}); "
            f"choices: {' '.join(ApiScope.values)}",
        )
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="merchandiser who owns the orders this client creates without an owner",
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            metavar="N",
            help="the token expires after N days (default: never; revoke with revoke_api_client)",
        )
        parser.add_argument(
            "--new-token", action="store_true", help="issue another token for an existing client"
        )

    def handle(self, *args, name, scopes, owner, expires_in_days, new_token, **options):
        if expires_in_days is not None and expires_in_days <= 0:
            raise CommandError("--expires-in-days must be positive")
        expires_in = dt.timedelta(days=expires_in_days) if expires_in_days else None
        try:
            if new_token:
                token = services.api_client_new_token(name=name, expires_in=expires_in)
                self.stdout.write(f"New token for API client {name}.")
            else:
                client, token = services.api_client_create(
                    name=name, scopes=scopes, default_owner=owner, expires_in=expires_in
                )
                self.stdout.write(f"API client {client.name} created (user id {client.user_id}).")
                self.stdout.write(f"Scopes: {' '.join(client.scopes)}")
                if client.default_owner_id:
                    self.stdout.write(f"Default order owner: {owner}")
        except DomainError as exc:
            details = "; ".join(
                f"{field}: {' '.join(str(m) for m in messages)}"
                for field, messages in exc.fields.items()
            )
            raise CommandError(details or str(exc.message)) from exc
        expiry = f"expires in {expires_in_days} days" if expires_in else "does not expire"
        self.stdout.write(
            f"The token ({expiry}) is shown only this once; send it as 'Authorization: Bearer …':"
        )
        self.stdout.write(token)
