"""PostgreSQL's JIT compiler off for Gendan's database.

Gendan's heavy statements (the alert sweeps, the KPI month, the dashboard's
aggregates) cost enough for PostgreSQL to compile them, and the compiling takes
longer than it saves: at a million orders on two cores, up to a second per
statement (the KPI month's declarations query 1.5 s with it, 1.1 s without; the
whole month, warm, 4.3 s with it, 3.6 s without). The setting is the
database's (``ALTER DATABASE … SET``), so every connection has it, through
PgBouncer too; a role without the right to alter the database keeps the server's
default (a notice, not a failure).
"""

from django.db import migrations

JIT_OFF = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit left as it is: not allowed to alter the database';
END
$$;
"""

JIT_DEFAULT = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit left as it is: not allowed to alter the database';
END
$$;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("gendan", "0008_user_password_changed_at")]

    operations = [
        migrations.RunPython(_on_postgresql(JIT_OFF), _on_postgresql(JIT_DEFAULT), elidable=True)
    ]
