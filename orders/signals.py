"""The hooks orders sends to the apps above it (production, shipping), which it never imports.

The layers point one way: production and shipping import orders, not the other
way round. Where an order's transition needs them to act, the orders service
sends one of these signals and their receivers (connected in their
``AppConfig.ready()``, see ``production/receivers.py``, ``shipping/receivers.py``)
do their part.

The rules for every signal here:

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
- ``sender`` is the ``Order`` class; the keyword arguments are listed with each
  signal. What a receiver returns is collected by ``send``; none of these
  hooks needs an answer today.
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

# order_close, among its guards (after the state check, before the payment check):
# a receiver refuses the closing by raising GuardFailed (an open after-sales case).
# Arguments: order, actor.
order_closing = Signal()
