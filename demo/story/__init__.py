"""The demo company of ``python manage.py seed_demo``, to click through.

Demo users, all with the password ``gendan-demo``:

==========  ==========  ===============================  =========
username    name        role                             admin
==========  ==========  ===============================  =========
merch1      张跟单      merchandiser (跟单员)            no
merch2      李跟单      merchandiser (跟单员)            no
supervisor  王主管      supervisor (跟单主管)            no
finance     赵财务      finance (财务)                   no
production  陈计划      production (生产计划)            no
erp         ERP 接口    integration (ERP 接口)           no
admin       系统管理员  superuser                        yes
==========  ==========  ===============================  =========

Then 8 customers, 11 products and 42 orders (customer PO ``DEMO-001`` …
``DEMO-042``) spread over every status of the lifecycle, with payments,
production orders, daily progress reports, inspections, incidents, shipments
and after-sales cases.

Everything is made through the services, never by writing domain rows
directly. Each order is a *story*: the steps that bring it to its status,
spread over the working days before today. All stories' steps run in date
order, each at its own simulated time (time-machine travels the clock back),
so the services' date guards hold as they would have on the day (a contract
delivery date is not in the past when the order is confirmed, a progress
report is not dated in the future), and timestamps, timelines and document
numbers read like a few months of real work. Steps dated today run at the
real time. (time-machine, pinned in requirements.lock, moves the clock.)

Deterministic (one ``random.Random`` per story, seeded with its PO) and
idempotent: users, customers and products are looked up by their unique key,
orders by their demo customer PO; what exists is left alone. The whole seed
is one transaction.

The story in chapters: ``people`` (the users), ``reference`` (customers and
products), ``stories`` (the script: one line per order), ``clock`` (simulated
working days), ``orders`` (one order's story and its order steps), ``production``
and ``shipping`` (its production and shipping steps), ``conversation`` (notes, a
contact record and a request waiting for approval); ``samples`` (sample requests
in every state, materials with a late one, slipping plans); ``kpi`` (pay schemes and
last month's assessments). ``seed`` plays it all, then runs the day's alert sweeps
once, so the inbox is not empty on the first look.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone

from alerts.models import Alert
from alerts.services import alert_sweep_all
from orders.models import Order
from production.models import Stage

from .clock import Clock
from .conversation import seed_conversation
from .kpi import seed_kpi
from .orders import OrderStory
from .people import DEMO_PASSWORD, USERS, seed_users
from .production import STAGE_LEAD
from .reference import seed_customers, seed_products
from .samples import seed_samples
from .stories import STORIES, po_of

__all__ = ["DEMO_PASSWORD", "STORIES", "USERS", "seed"]


def seed() -> dict[str, tuple[int, int]]:
    """Play every story not played yet; how many of each kind were made and were there."""
    cast, users = seed_users()
    customers, customer_counts = seed_customers(cast)
    products, product_counts = seed_products(cast)
    stages = {stage.code: stage for stage in Stage.objects.filter(code__in=STAGE_LEAD)}
    missing = set(STAGE_LEAD) - set(stages)
    if missing:
        raise CommandError(f"missing production stages {sorted(missing)}: run migrate first")
    clock = Clock(timezone.localdate())
    existing = set(
        Order.objects.filter(
            customer_po__in=[po_of(i) for i in range(1, len(STORIES) + 1)]
        ).values_list("customer_po", flat=True)
    )
    stories = [
        OrderStory(i, s, cast, products, customers, stages, clock)
        for i, s in enumerate(STORIES, start=1)
        if po_of(i) not in existing
    ]
    # Every story's steps in date order, so numbers and timelines read chronologically.
    queue = sorted(
        ((step.moment, story.index, n, story, step))
        for story in stories
        for n, step in enumerate(story.plan())
    )
    for moment, _index, _n, order_story, step in queue:
        order_story.current_t = step.t
        with clock.at(moment):
            step.action(timezone.localdate())
    # Samples, materials and slipping plans (issue 15), at the real time.
    sample_counts = seed_samples(cast, customers, clock)
    thread = seed_conversation(cast)
    kpi = seed_kpi(cast)
    # Last, once: the day's alert sweeps, so the first look at the inbox shows the
    # overdue orders and the steps due (a re-run the same day adds nothing).
    new_alerts = sum(len(ids) for ids in alert_sweep_all().values())
    all_alerts = Alert.objects.count()
    return {
        "users": users,
        "customers": customer_counts,
        "products": product_counts,
        "orders": (len(stories), len(existing)),
        "samples": sample_counts,
        "thread": thread,
        "kpi": kpi,
        "alerts": (new_alerts, all_alerts - new_alerts),
    }
