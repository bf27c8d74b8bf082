"""``python manage.py alerts_sweep [rule …] [--queue]``: run the alert sweeps now.

Without ``--queue`` the sweeps run in this process (their e-mails are queued
for the workers); with it they are sent to the workers through the broker, as
Celery beat does. Without rules, every rule. Running a sweep again the same day
adds nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from alerts import services
from alerts.rules import RULES
from alerts.tasks import alert_sweep_task


class Command(BaseCommand):
    help = (
        "Run the alert sweeps now (all rules, or those named); --queue sends them to the workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("rules", nargs="*", metavar="rule", help=", ".join(RULES))
        parser.add_argument(
            "--queue", action="store_true", help="send the sweeps to the workers (broker)"
        )

    def handle(self, *args, rules: list[str], queue: bool, **options):
        unknown = sorted(set(rules) - set(RULES))
        if unknown:
            raise CommandError(f"unknown rule(s): {', '.join(unknown)}; rules: {', '.join(RULES)}")
        for rule in rules or list(RULES):
            if queue:
                alert_sweep_task.delay(rule)
                self.stdout.write(f"{rule}: queued")
            else:
                created = services.alert_sweep(rule=rule)
                self.stdout.write(f"{rule}: {len(created)} new alert(s)")
