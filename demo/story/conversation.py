"""The conversation chapter: a few follow-up notes (one mentioning the supervisor), a
customer contact record and a deposit waiver request waiting for the supervisor, on
the demo orders — made through the conversation's services, after the orders' stories,
at today's time. Idempotent: played once, when no demo order has a note yet."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conversation import services
from conversation.models import ApprovalRequest, Note
from conversation.requests import KINDS
from gendan.models import User
from orders.models import Order
from orders.states import OrderStatus as S

NOTES = (
    (S.IN_PRODUCTION, "note", "", "面料已到厂，裁床明天开工。@supervisor 交期没有问题。"),
    (S.IN_PRODUCTION, "call", "Mr. Weber", "客户来电确认唛头和吊牌内容，按第二版稿件生产。"),
    (S.AWAITING_BALANCE, "email", "Ms. Tanaka", "已发尾款通知和装箱单草稿，客户说本周付款。"),
    (S.SHIPPED, "wechat", "Anna", "提单号已发客户，客户确认收到。"),
)


def seed_conversation(cast: dict[str, User]) -> tuple[int, int]:
    """(notes and requests made, already there)."""
    demo = Order.objects.filter(customer_po__startswith="DEMO-").order_by("customer_po")
    made = Note.objects.filter(order__in=demo).count()
    made += ApprovalRequest.objects.filter(order__in=demo).count()
    if made:
        return 0, made
    created = 0
    now = timezone.now()
    for hours, (status, kind, person, body) in enumerate(NOTES, start=1):
        order = demo.filter(status=status).first()
        if order is None:
            continue
        services.note_add(
            actor=order.owner,
            order_id=order.pk,
            kind=kind,
            body=body,
            contact_person=person,
            contacted_at=now - dt.timedelta(hours=hours) if person else None,
        )
        created += 1
    for order in demo.filter(status__in=(S.CONFIRMED, S.AWAITING_DEPOSIT)):
        if KINDS["deposit_waiver"].available(order):
            services.request_open(
                actor=order.owner,
                order_id=order.pk,
                kind="deposit_waiver",
                reason="老客户，合作多年从未拖欠货款，申请先下生产单。",
            )
            created += 1
            break
    return created, 0
