"""Alert services: the sweep that raises a rule's alerts, reading and acknowledging an
alert in one's inbox, and sending the alert e-mails.

One alert while the condition lasts: at most one alert of a rule per object is
open (a partial unique constraint), and the sweep inserts with ON CONFLICT DO
NOTHING (SQLite: INSERT OR IGNORE), so a re-run, a retried task, two workers
sweeping at the same moment or the next day's sweep leave one alert. The sweep
first ends the open alerts whose case it no longer finds, or finds escalated (a new,
escalated alert takes over). Only the sweep that inserted an alert gives it
recipients and queues its e-mail; a recipient is e-mailed under a row lock and
marked, so a repeated e-mail task sends nothing twice.

Recipients: the order's owner gets each alert in the inbox (and by e-mail, as the
person chose: ``notify.NotificationPreference``); the members of the rule's roles
get it in the inbox marked ``digest``: not notified one by one, but counted in their
daily digest (``_daily_digest``), one inbox item a day grouped by rule with links
to the filtered list. So does the owner for a rule with ``owner_digest`` (behind
plan, missing daily reports, milestones due soon: ``rules.Rule``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gendan.exceptions import NotFound, PermissionDenied
from gendan.models import User
from orders.models import Order

from . import selectors
from .conversation import approval_overdue
from .messages import alert_email
from .models import SWEPT_RULES, Alert, AlertRecipient, AlertRule, AlertSettings, AlertSweepRun
from .rules import RULES, Rule

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------


@transaction.atomic
def alert_sweep(*, rule: str, today: dt.date | None = None) -> list[int]:
    """Raise the alerts of ``rule`` for ``today`` (the local date; default: now).

    One INSERT … SELECT writes an alert for every case the rule's selector finds,
    skipping those that exist for the same day, and gives the new alerts their
    recipients (the order's owner and the rule's roles). The e-mails are
    queued after commit. The number of queries does not depend on the number of
    cases. Returns the ids of the alerts this call created (none on a re-run).
    Raises KeyError for an unknown rule.
    """
    today = today or timezone.localdate()
    # One timestamp for the whole sweep: it tells this sweep's alerts from others'.
    now = timezone.now()
    config = AlertSettings.load()
    if rule == AlertRule.ASSESSMENT_DUE:
        alert_ids = _assessment_due(today=today, now=now)
    elif rule == AlertRule.DAILY_DIGEST:
        alert_ids = _daily_digest(day=today, now=now)
    elif rule == AlertRule.APPROVAL_OVERDUE:
        alert_ids = approval_overdue(today=today, now=now)
    else:
        spec = RULES[rule]
        alert_ids = _sweep_cases(spec, spec.cases(today, config), day=today, now=now)
    if alert_ids and rule != AlertRule.DAILY_DIGEST:
        _publish(alert_ids, rule=rule)
    # Recorded once the sweep has committed (a sweep rolled back did not run). A crash
    # between the commit and the record only makes the catch-up run the sweep again,
    # which adds nothing; robust: the record failing must not fail the committed sweep.
    _record_run_on_commit(rule=rule, day=today, now=now, alerts_created=len(alert_ids))
    if alert_ids and config.send_email:
        # After commit only: the e-mail task must find the alert and its recipients.
        # robust: a broker hiccup must not fail the committed sweep; the hourly
        # alert_email_queue_pending catches what was not queued.
        _queue_emails_on_commit(alert_ids)
    return alert_ids


def alert_sweep_all(*, today: dt.date | None = None) -> dict[str, list[int]]:
    """Every swept rule once for ``today``, the daily digest last (it counts the
    others' alerts of the day): the new alerts' ids by rule. Safe to run again the
    same day (nothing new)."""
    rules = [rule for rule in SWEPT_RULES if rule != AlertRule.DAILY_DIGEST]
    return {rule: alert_sweep(rule=rule, today=today) for rule in [*rules, AlertRule.DAILY_DIGEST]}


def _record_run_on_commit(**run) -> None:
    def record_sweep_run() -> None:
        _record_run(**run)

    transaction.on_commit(record_sweep_run, robust=True)


def _record_run(*, rule: str, day: dt.date, now: dt.datetime, alerts_created: int) -> None:
    """Count this run in the (rule, day) row, inserted by the first run of the day (one
    upsert, so that two sweeps of a rule at once count two runs)."""
    connection = connections[AlertSweepRun.objects.db]
    qn = connection.ops.quote_name
    table = qn(AlertSweepRun._meta.db_table)

    def col(name: str) -> str:
        return qn(AlertSweepRun._meta.get_field(name).column)

    sql = (
        f"INSERT INTO {table} ({col('rule')}, {col('day')}, {col('first_run_at')}, "
        f"{col('last_run_at')}, {col('runs')}, {col('alerts_created')}) "
        f"VALUES (%s, %s, %s, %s, 1, %s) "
        f"ON CONFLICT ({col('rule')}, {col('day')}) DO UPDATE SET "
        f"{col('last_run_at')} = excluded.{col('last_run_at')}, "
        f"{col('runs')} = {table}.{col('runs')} + 1, "
        f"{col('alerts_created')} = {table}.{col('alerts_created')} + "
        f"excluded.{col('alerts_created')}"
    )
    ops = connection.ops
    params = [
        str(rule),
        ops.adapt_datefield_value(day),
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now),
        alerts_created,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def alert_sweep_catch_up() -> list[str]:
    """Queue the sweep of every daily rule that is due today and has not run today.

    Beat sends each sweep at its time once; when the broker is down at that
    moment the send fails, and beat does not repeat it. The workers call this each
    time they connect to the broker, and beat every few minutes. Safe at any
    moment and any number of times: a rule not due yet is left to beat, and a
    sweep that runs twice adds nothing (alerts are unique per rule, object and
    day). Returns the rules queued.
    """
    from .tasks import alert_sweep_task

    missed = selectors.alert_sweep_rules_missed(task=alert_sweep_task.name)
    for rule in missed:
        alert_sweep_task.delay(rule)
    if missed:
        logger.warning("alert sweeps due today that had not run, queued now: %s", ", ".join(missed))
    return missed


# Alert columns written by the sweep, in order, and the aliases that carry them.
_ALERT_COLUMNS = (
    ("rule", "a_rule"),
    ("day", "a_day"),
    ("last_seen_on", "a_day"),
    ("content_type", "a_content_type"),
    ("object_id", "a_object"),
    ("order", "a_order"),
    ("escalated", "a_escalated"),
    ("data", "a_data"),
    ("created_at", "a_created"),
)


CASES_TABLE = "alert_sweep_cases"


def _sweep_cases(spec: Rule, cases, *, day: dt.date, now: dt.datetime) -> list[int]:
    """Today's cases of ``spec`` against its open alerts; returns the new alerts' ids
    (in their recipients' inboxes).

    The cases are computed once, into a temporary table; then, set-based: the open
    alerts whose object is not a case any more, or is a case now escalated, end
    today; those still found are seen today; a case without an open alert gets a new
    one. A rule that does not run today (``cases.none()``: a day off) changes nothing.
    """
    if cases.query.is_empty():
        return []
    meta = spec.subject._meta
    content_type = ContentType.objects.filter(
        app_label=meta.app_label, model=meta.model_name
    ).values("pk")
    rows = cases.values(
        a_rule=Value(str(spec.name)),
        a_day=Value(day, output_field=DateField()),
        a_content_type=Subquery(content_type),
        a_object=F("pk"),
        a_order=F("alert_order"),
        a_escalated=F("alert_escalated"),
        a_data=F("alert_data"),
        a_created=Value(now, output_field=DateTimeField()),
    ).order_by()
    connection = connections[rows.db]
    qn = connection.ops.quote_name
    ops = connection.ops
    try:
        select_sql, params = rows.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # no case can match (no due-soon days configured)
        select_sql, params = None, []

    def col(name: str) -> str:
        return qn(Alert._meta.get_field(name).column)

    table, tmp = qn(Alert._meta.db_table), qn(CASES_TABLE)
    open_alerts = (
        f"{col('rule')} = %s AND {col('content_type')} = "
        f"(SELECT {qn('id')} FROM {qn(ContentType._meta.db_table)} "
        f"WHERE {qn('app_label')} = %s AND {qn('model')} = %s) "
        f"AND {col('resolved_on')} IS NULL"
    )
    open_params = [str(spec.name), meta.app_label, meta.model_name]
    today = ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        if select_sql is None:
            cursor.execute(
                f"UPDATE {table} SET {col('resolved_on')} = %s WHERE {open_alerts}",
                [today, *open_params],
            )
            return []
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {tmp} AS {select_sql}", params)
        case = f"SELECT 1 FROM {tmp} c WHERE c.{qn('a_object')} = {table}.{col('object_id')}"
        cursor.execute(
            f"UPDATE {table} SET {col('resolved_on')} = %s WHERE {open_alerts} AND "
            f"(NOT EXISTS ({case}) OR (NOT {col('escalated')} AND EXISTS "
            f"({case} AND c.{qn('a_escalated')})))",
            [today, *open_params],
        )
        cursor.execute(
            f"UPDATE {table} SET {col('last_seen_on')} = %s WHERE {open_alerts} "
            f"AND EXISTS ({case})",
            [today, *open_params],
        )
        alert_ids = _insert_new(connection, spec, day=day, now=now)
        cursor.execute(f"DROP TABLE {tmp}")
    return alert_ids


def _insert_new(connection, spec: Rule, *, day: dt.date, now: dt.datetime) -> list[int]:
    """Insert an alert for each case of the cases table without an open one, and put
    the new alerts in their recipients' inboxes (``_recipients``); returns their ids.

    On PostgreSQL in one statement: the INSERT of the alerts is a CTE whose RETURNING
    rows are the new alerts the recipients' INSERT reads. Only this statement inserted
    them, so no other transaction can have given them recipients, and those rows go in
    without ON CONFLICT, whose check per row was a third of the time of a sweep that
    fills hundreds of thousands of inboxes. (Named again by their ids, ``id = ANY(…)``
    in a second statement, the twenty thousand alerts of a sweep at a million orders
    took 0.7–1.1 s to find: the alert table, empty when last analysed, was read whole
    and each row compared with every id.) Elsewhere (SQLite) the new alerts are named
    by the sweep's own timestamp, and their recipients inserted ignoring conflicts."""
    qn = connection.ops.quote_name
    ops = connection.ops
    columns = ", ".join(qn(Alert._meta.get_field(name).column) for name, _ in _ALERT_COLUMNS)
    aliases = ", ".join(qn(alias) for _, alias in _ALERT_COLUMNS)
    # Insert in object order: two sweeps at once then meet on the same first row and
    # one waits for the other instead of deadlocking on rows taken in different orders.
    insert = (
        f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} "
        f"{qn(Alert._meta.db_table)} ({columns}) "
        f"SELECT {aliases} FROM {qn(CASES_TABLE)} WHERE 1 = 1 ORDER BY {qn('a_object')} "
        f"{ops.on_conflict_suffix_sql([], OnConflict.IGNORE, [], [])}"
    )

    def col(name: str) -> str:
        return qn(Alert._meta.get_field(name).column)

    if connection.vendor == "postgresql":
        ctes, recipients, params = _recipients(
            connection, spec, new_alerts=f"{qn('inserted')} a", on_conflict=None
        )
        sql = (
            f"WITH {qn('inserted')} AS ({insert} RETURNING {col('id')}, {col('escalated')}, "
            f"{col('order')}), {', '.join(ctes)}, "
            f"{qn('recipients')} AS ({recipients}) "
            f"SELECT {col('id')} FROM {qn('inserted')} ORDER BY {col('id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{insert} RETURNING {col('id')}")
            alert_ids = sorted(row[0] for row in cursor.fetchall())
        else:
            cursor.execute(insert)
            alert_ids = list(
                Alert.objects.filter(rule=spec.name, day=day, created_at=now)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if alert_ids:
            new_alerts = (
                f"{qn(Alert._meta.db_table)} a WHERE a.{col('rule')} = %s "
                f"AND a.{col('day')} = %s AND a.{col('created_at')} = %s"
            )
            new_params = [
                str(spec.name),
                ops.adapt_datefield_value(day),
                ops.adapt_datetimefield_value(now),
            ]
            ctes, recipients, params = _recipients(
                connection, spec, new_alerts, new_params, on_conflict=OnConflict.IGNORE
            )
            cursor.execute(f"WITH {', '.join(ctes)} {recipients}", params)
    return alert_ids


def _recipients(
    connection,
    spec: Rule,
    new_alerts: str,
    new_params: list | None = None,
    *,
    on_conflict: OnConflict | None,
) -> tuple[list[str], str, list]:
    """The CTEs and the INSERT … SELECT that put the new alerts (``new_alerts``: the
    rows ``a`` of a FROM clause with ``id``, ``escalated`` and ``order_id``, and its
    ``new_params``) in the inboxes of the order's owner and of the active users
    holding the rule's roles (and its escalation roles when escalated); the latter's
    rows are marked ``digest``, and the owner's too for a rule with ``owner_digest``.
    Returns (CTEs, INSERT, the parameters of both in that order)."""
    qn = connection.ops.quote_name
    ops = connection.ops

    def table(model) -> str:
        return qn(model._meta.db_table)

    def col(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    memberships = User.groups.through
    m_user = f"m.{qn(memberships._meta.get_field('user').column)}"
    # The new alerts, each with its order's owner: an index probe per alert (a join let
    # the planner read every order to hash them).
    ctes = [
        f"new_alert (n_alert, n_escalated, n_owner) AS (SELECT a.{col(Alert, 'id')}, "
        f"a.{col(Alert, 'escalated')}, (SELECT o.{col(Order, 'owner')} FROM {table(Order)} o "
        f"WHERE o.{col(Order, 'id')} = a.{col(Alert, 'order')}) "
        f"FROM {new_alerts})"
    ]
    params = list(new_params or [])  # the CTEs', then the SELECTs'
    active = f"u.{col(User, 'is_active')}"
    selects = [
        f"SELECT n_alert, n_owner, %s FROM new_alert "
        f"JOIN {table(User)} u ON u.{col(User, 'id')} = n_owner WHERE {active}"
    ]
    select_params: list = [spec.owner_digest]
    roles = [*map(str, spec.roles), *map(str, spec.escalation_roles)]
    if roles:
        # The active members of the roles, once each (a handful of rows, not one per
        # alert and membership): whether they hold only escalation roles.
        in_roles = ", ".join(["%s"] * len(spec.roles)) or "NULL"
        ctes.append(
            f"member (m_user, m_escalation_only) AS (SELECT {m_user}, "
            f"MIN(CASE WHEN g.{col(Group, 'name')} IN ({in_roles}) THEN 0 ELSE 1 END) "
            f"FROM {table(memberships)} m "
            f"JOIN {table(Group)} g ON g.{col(Group, 'id')} = "
            f"m.{qn(memberships._meta.get_field('group').column)} "
            f"JOIN {table(User)} u ON u.{col(User, 'id')} = {m_user} "
            f"WHERE {active} AND g.{col(Group, 'name')} IN ({', '.join(['%s'] * len(roles))}) "
            f"GROUP BY {m_user})"
        )
        params += [*map(str, spec.roles), *roles]
        # One inbox row per person: an owner who also holds a role gets it as the owner.
        selects.append(
            "SELECT n_alert, m_user, %s FROM new_alert, member "
            "WHERE (n_escalated OR m_escalation_only = 0) "
            "AND (n_owner IS NULL OR m_user <> n_owner)"
        )
        select_params.append(True)
    insert = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {table(AlertRecipient)} "
        f"({col(AlertRecipient, 'alert')}, {col(AlertRecipient, 'user')}, "
        f"{col(AlertRecipient, 'digest')}) "
        + " UNION ALL ".join(selects)
        + " "
        + ops.on_conflict_suffix_sql([], on_conflict, [], [])
    )
    return ctes, insert, [*params, *select_params]


def _assessment_due(*, today: dt.date, now: dt.datetime) -> list[int]:
    """assessment_due: one alert for each person holding a step of the monthly
    assessment workflow that is due (kpi-and-pay.md §3), listing their steps, while
    they hold one (a new one when a step becomes overdue); the person is its only
    recipient."""
    from kpi.selectors import assessment_steps_due

    steps_by_user: dict[int, list[dict]] = {}
    for step in assessment_steps_due(today):
        steps_by_user.setdefault(step.user_id, []).append(
            {
                "period": step.period.isoformat(),
                "step": step.step,
                "count": len(step.assessment_ids),
                "due_on": step.due_on.isoformat(),
                "overdue": step.overdue,
            }
        )
    wanted = {
        user_id: (any(step["overdue"] for step in steps), {"steps": steps})
        for user_id, steps in steps_by_user.items()
    }
    return _personal_alerts(AlertRule.ASSESSMENT_DUE, wanted, today=today, now=now)


def _personal_alerts(
    rule: str, wanted: dict[int, tuple[bool, dict]], *, today: dt.date, now: dt.datetime
) -> list[int]:
    """The alerts of a rule about a person, who is their only recipient: ``wanted``
    maps each person concerned today to (escalated, data). An open alert of a person
    no longer concerned ends; one that escalates is replaced; one that goes on is
    seen today with today's data. Returns the new alerts' ids."""
    user_type = ContentType.objects.get_for_model(User)
    mine = Alert.objects.filter(rule=rule, content_type=user_type, resolved_on__isnull=True)
    ended = [
        a.pk
        for a in mine.select_for_update().only("pk", "object_id", "escalated")
        if a.object_id not in wanted or (wanted[a.object_id][0] and not a.escalated)
    ]
    mine.filter(pk__in=ended).update(resolved_on=today)
    for alert in mine.only("pk", "object_id"):
        alert.last_seen_on, alert.data = today, wanted[alert.object_id][1]
        alert.save(update_fields=["last_seen_on", "data"])
    if not wanted:
        return []
    Alert.objects.bulk_create(
        [
            Alert(
                rule=rule,
                day=today,
                last_seen_on=today,
                content_type=user_type,
                object_id=user_id,
                escalated=escalated,
                data=data,
                created_at=now,
            )
            for user_id, (escalated, data) in sorted(wanted.items())
        ],
        ignore_conflicts=True,
    )
    # Only the alerts this sweep inserted get recipients (a re-run finds none).
    new_alerts = list(
        Alert.objects.filter(rule=rule, day=today, created_at=now)
        .order_by("pk")
        .values_list("pk", "object_id")
    )
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert_id=pk, user_id=user_id) for pk, user_id in new_alerts],
        ignore_conflicts=True,
    )
    return [pk for pk, _ in new_alerts]


def _queue_emails(alert_ids: list[int]) -> None:
    from .tasks import alert_email_send_task

    for alert_id in alert_ids:
        alert_email_send_task.delay(alert_id)


def _queue_emails_on_commit(alert_ids: list[int]) -> None:
    """Queue the e-mails of ``alert_ids`` once the transaction commits.

    robust: a broker that is down must not fail the committed sweep, nor the other
    on-commit callbacks; the recipients stay unsent (the outbox) and
    alert_email_queue_pending queues them again. A named function, not a partial:
    Django logs a failed robust callback by its ``__qualname__``.
    """

    def queue_alert_emails() -> None:
        _queue_emails(alert_ids)

    transaction.on_commit(queue_alert_emails, robust=True)


# --------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------


def _lock_inbox_row(actor: User, alert_id: int) -> AlertRecipient:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(action="alert.acknowledge")
    recipient = (
        AlertRecipient.objects.select_for_update()
        .filter(alert_id=alert_id, user_id=actor.pk)
        .first()
    )
    if recipient is None:
        # Not in the actor's inbox: the same answer whether the alert exists or not.
        raise NotFound(model="alert", id=alert_id)
    return recipient


@transaction.atomic
def alert_acknowledge(*, actor: User, alert_id: int) -> AlertRecipient:
    """The actor acknowledges an alert of their inbox (which also marks it read).

    Only a recipient may: anybody else gets NotFound (an inactive or anonymous
    actor PermissionDenied). Acknowledging again changes nothing and keeps the
    first time.
    """
    recipient = _lock_inbox_row(actor, alert_id)
    if recipient.acknowledged_at is None:
        now = timezone.now()
        recipient.acknowledged_at = now
        recipient.read_at = recipient.read_at or now
        recipient.save(update_fields=["acknowledged_at", "read_at"])
    return recipient


@transaction.atomic
def alert_mark_read(*, actor: User, alert_id: int) -> AlertRecipient:
    """The actor has seen an alert of their inbox. Idempotent; raises as alert_acknowledge."""
    recipient = _lock_inbox_row(actor, alert_id)
    if recipient.read_at is None:
        recipient.read_at = timezone.now()
        recipient.save(update_fields=["read_at"])
    return recipient


# --------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------


def _pending_recipients():
    """Inbox rows to e-mail: the person's own alerts when they want e-mail as it
    happens, and their daily digest unless they want no e-mail (alerts that came by
    role are in the digest, not e-mailed one by one)."""
    from notify.models import EmailMode

    preference = "user__notification_preference__email"
    as_it_happens = Q(**{f"{preference}__isnull": True}) | Q(**{preference: EmailMode.IMMEDIATE})
    digest = Q(alert__rule=AlertRule.DAILY_DIGEST) & ~Q(**{preference: EmailMode.OFF})
    return (
        AlertRecipient.objects.filter(emailed_at__isnull=True, user__is_active=True, digest=False)
        .filter((~Q(alert__rule=AlertRule.DAILY_DIGEST) & as_it_happens) | digest)
        .exclude(user__email="")
    )


def alert_email_send(*, alert_id: int) -> int:
    """E-mail an alert to each recipient not e-mailed yet; returns how many were sent.

    Each recipient is sent in its own transaction while its inbox row is locked
    (skip_locked: a concurrent run of the same task passes it by) and then
    marked, so running the task twice, or retrying it after a failure, sends no
    recipient twice. Raises what the mail backend raises, for the task to retry.
    """
    alert = Alert.objects.select_related("order").filter(pk=alert_id).first()
    if alert is None:
        return 0
    pending = list(_pending_recipients().filter(alert=alert).values_list("pk", flat=True))
    if not pending:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = alert_email(alert)
    sent = 0
    with mail.get_connection() as connection:
        for pk in pending:
            with transaction.atomic():
                recipient = (
                    AlertRecipient.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("user")
                    .filter(pk=pk, emailed_at__isnull=True)
                    .first()
                )
                if recipient is None:  # sent meanwhile, or being sent by another run
                    continue
                mail.EmailMessage(
                    subject, body, to=[recipient.user.email], connection=connection
                ).send()
                recipient.emailed_at = timezone.now()
                recipient.save(update_fields=["emailed_at"])
                sent += 1
    return sent


def alert_email_queue_pending(
    *,
    older_than: dt.timedelta | None = None,
    within: dt.timedelta = dt.timedelta(days=1),
) -> list[int]:
    """Queue the e-mail task again for recent alerts with recipients not e-mailed yet.

    The safety net for an e-mail that was never queued (the broker was down when
    the sweep committed), lost with the broker's data, or out of retries; alerts
    younger than ``older_than`` (default GENDAN_ALERT_EMAIL_REQUEUE_AFTER) are left
    to the task already queued for them. A second task for the same alert sends
    nothing twice (alert_email_send). Returns the alert ids queued.
    """
    if not AlertSettings.load().send_email:
        return []
    if older_than is None:
        older_than = settings.GENDAN_ALERT_EMAIL_REQUEUE_AFTER
    now = timezone.now()
    alert_ids = list(
        Alert.objects.filter(created_at__lt=now - older_than, created_at__gte=now - within)
        .filter(Exists(_pending_recipients().filter(alert=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if alert_ids:
        _queue_emails_on_commit(alert_ids)
    return alert_ids


# --------------------------------------------------------------------------
# The daily digest
# --------------------------------------------------------------------------


def digest_link(rule: str, day: dt.date | str) -> str:
    """The inbox filtered to one rule's alerts of one day (AlertFilterSet's parameters)."""
    return f"{reverse('alerts')}?{urlencode({'rule': rule, 'day': str(day)})}"


def _daily_digest(*, day: dt.date, now: dt.datetime) -> list[int]:
    """The daily digest of ``day`` (the sweep of rule ``daily_digest``, after the day's
    other sweeps): one inbox item for each person who got alerts by role that day, or
    who chose to get e-mail as a digest, counting their new alerts of the day by rule
    (how many, how many escalated) with a link to each rule's list. Yesterday's
    digests end. Safe to run again (nothing new on a re-run). Returns the new
    digests' ids."""
    from notify.models import EmailMode

    Alert.objects.filter(rule=AlertRule.DAILY_DIGEST, resolved_on__isnull=True, day__lt=day).update(
        resolved_on=day
    )
    rows = (
        AlertRecipient.objects.filter(alert__day=day, user__is_active=True)
        .exclude(alert__rule=AlertRule.DAILY_DIGEST)
        .values("user_id", "alert__rule")
        .annotate(
            count=Count("id"),
            escalated=Count("id", filter=Q(alert__escalated=True)),
            by_role=Count("id", filter=Q(digest=True)),
        )
        .order_by("user_id", "alert__rule")
    )
    wants_digest = set(
        User.objects.filter(notification_preference__email=EmailMode.DIGEST).values_list(
            "pk", flat=True
        )
    )
    by_user: dict[int, list[dict]] = {}
    concerned: set[int] = set()
    for row in rows:
        user_id = row["user_id"]
        by_user.setdefault(user_id, []).append(
            {"rule": row["alert__rule"], "count": row["count"], "escalated": row["escalated"]}
        )
        if row["by_role"] or user_id in wants_digest:
            concerned.add(user_id)
    wanted = {
        user_id: (False, {"day": day.isoformat(), "rules": by_user[user_id]})
        for user_id in concerned
    }
    return _personal_alerts(AlertRule.DAILY_DIGEST, wanted, today=day, now=now)


PUBLISH_BATCH = 2000


def _publish(alert_ids: list[int], *, rule: str) -> None:
    """The new alerts, in the notifications outbox (same transaction): topic
    ``alert.<rule>``, linking to the order, for the rules a channel listens to.

    A sweep may raise tens of thousands of alerts at once (a million orders): the rows
    are read as values, not model instances with their order, and the title, the same
    for every alert of the rule, is made once."""
    from notify.channels import any_listens
    from notify.outbox import Notice, publish

    if not settings.GENDAN_NOTIFY_ENABLED or not alert_ids:
        return
    # Announced only where a webhook or robot takes the rule's topic: a sweep of tens of
    # thousands of new alerts writes no outbox rows that no one would receive.
    if not any_listens(f"alert.{rule}"):
        return
    rows = (
        Alert.objects.filter(pk__in=alert_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "day",
            "escalated",
            "data",
            "created_at",
            "object_id",
            "content_type__model",
            "order_id",
            "order__number",
            "order__owner_id",
        )
    )
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【提醒】%(rule)s") % {"rule": AlertRule(rule).label}
        for row in rows.iterator(chunk_size=PUBLISH_BATCH):
            pk, day, escalated, data, created_at, object_id, model, *order = row
            order_id, order_number, owner_id = order
            # An unsaved instance only to phrase the message (no query: no relation read).
            alert = Alert(pk=pk, rule=rule, day=day, escalated=escalated, data=data)
            notices.append(
                Notice(
                    topic=f"alert.{rule}",
                    subject_type="order" if order_id else model,
                    subject_id=order_id or object_id,
                    subject_label=order_number or "",
                    owner_id=owner_id if order_id else object_id,
                    title=title,
                    text=alert.message,
                    path=_order_path(order_id) if order_id else reverse("alerts"),
                    created_at=created_at,
                    payload={
                        "alert_id": pk,
                        "rule": rule,
                        "day": day,
                        "escalated": escalated,
                        "data": data,
                    },
                )
            )
            if len(notices) == PUBLISH_BATCH:  # a batch at a time: flat memory
                publish(notices)
                notices = []
    publish(notices)


def _order_path(order_id: int) -> str:
    return Order(pk=order_id).get_absolute_url()
