"""Alerts (product.md §4): the rules as set-based sweeps, the inbox and the e-mails.

- ``rules``: one selector per rule that finds its cases in SQL;
- ``expressions``: the date arithmetic and the plan curve those selectors need;
- ``services``: the sweep (one INSERT … SELECT per rule, ON CONFLICT DO NOTHING),
  acknowledging and reading, sending the e-mails;
- ``selectors``: the inbox; ``messages``: an alert as a sentence; ``admin``;
- ``tasks``: the Celery tasks, registered under the names they had in the gendan app
  (``gendan.tasks.…``), which the schedule rows of django-celery-beat name;
- ``views``, ``urls``, ``api``: the inbox pages and endpoints.

The schedules are in django-celery-beat (installed by migrations gendan 0004 and 0005).
"""
