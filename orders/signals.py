"""The hooks orders sends to the apps above it (production, shipping), which it never imports.

The layers point one way: production and shipping import orders, not the other
way round. Where an order's transition needs them to act, the orders service
sends one of these signals and their receivers (connected in their
``AppConfig.ready()``, see ``production/receivers.py``, ``shipping/receivers.py``)
do their part. Likewise orders' pages and reports send the page and report hooks
below, and production and shipping add what only they know.

The rules for every transition hook here:

- It is sent synchronously, inside the caller's transaction, with the order row
  already locked (``orders.kernel.lock_order``). A receiver locks its own rows
  after the order, in primary-key order, writes its events to the order's
  timeline, and so commits or rolls back with the order's change.
- It is sent with ``send``, never ``send_robust``: a receiver's error (a
  ``DomainError`` that refuses the transition, or a bug) propagates to the
  caller and rolls the whole change back. Receivers must not swallow errors.
- Receivers run in the order they were connected, i.e. the order of
  ``INSTALLED_APPS`` (production before shipping): that is the order of their
  row locks and of their events on the timeline.
- ``sender`` is the ``Order`` class (``Customer`` for the customer page); the
  keyword arguments are listed with each signal. What a receiver returns is
  collected by ``send``: the transition hooks need no answer, the report hooks
  read theirs.
"""

from __future__ import annotations

from django.dispatch import Signal

# order_cancel, before the payments are voided and the order moves to cancelled:
# recall the live production orders, cancel the shipments that have not left.
# Arguments: order, actor, note (the cancellation reason).
order_cancelling = Signal()

# order_amend, after the new revision, its event and the adjusted payment requests:
# the production order of an order in production is reissued for the new revision.
# Arguments: order, actor, revision (the new OrderRevision).
order_amended = Signal()

# order_confirm_delivery, before the order moves to delivered: every shipment that
# left is marked delivered at the same moment.
# Arguments: order, actor, delivered_at.
order_delivery_confirming = Signal()

# order_confirm with a document: the attachment of the order that is the customer's
# written confirmation (conversation checks it is the order's and a document). A
# receiver raises ValidationFailed for one that is not, and returns what the event
# should say of it ({"attachment": id, "attachment_name": name}).
# Arguments: order, actor, attachment_id.
order_confirming = Signal()

# order_close, among its guards (after the state check, before the payment check):
# a receiver refuses the closing by raising GuardFailed (an open after-sales case).
# Arguments: order, actor.
order_closing = Signal()


# --------------------------------------------------------------------------
# Pages: what production and shipping show on orders' pages. Sent while the page
# is built (no transaction, nothing locked); receivers only read, and add to the
# template ``context`` they are given.
# --------------------------------------------------------------------------

# The order page. Arguments: request, order (as ``selectors.order_get_detail`` gives
# it: receivers prefetch their own rows), context (receivers add their panels,
# annotate ``context["lines"]`` and append to ``context["links"]``).
order_page = Signal()

# The documents of an order a written confirmation may reference, for the confirm
# form's choices. Arguments: order. Receivers return a list of (id, label).
order_documents = Signal()

# The customer page. Arguments: request, customer, context.
customer_page = Signal()


# --------------------------------------------------------------------------
# Reports: what orders' reports need to know of production and shipping. Sent
# while the report is read; receivers only read.
# --------------------------------------------------------------------------

# Conditions on orders that only production or shipping can state, for filtering
# orders (selectors.my_work). Arguments: today. Receivers return {name: condition}, a
# Q or Exists over orders: production "progress_missing" (in production, no daily
# report since the last working day), shipping "open_after_sales" (a case still open).
order_conditions = Signal()

# My work (selectors.my_work): the groups of next steps the apps above add after
# orders' own. Arguments: user, roles, today, limit. Receivers return a list of
# selectors.WorkGroup (production: production orders without progress).
work_groups = Signal()

# The daily report (selectors.daily_report). Arguments: user, day, order_ids (a
# queryset of the visible orders' ids). Receivers return a dict merged into the
# report (shipping: "shipments" that left that day, "complaints" received).
daily_report = Signal()
