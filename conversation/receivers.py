"""The conversation's answers to ``orders.signals`` (imported by ``ConversationConfig.ready``,
which connects them); the rules are those of production/receivers.py."""

from __future__ import annotations

from django.dispatch import receiver

from orders import signals
from orders.models import Order
from shipping import signals as shipping_signals
from shipping.models import ShipmentDocument

from . import selectors, services, views
from .models import CONFIRMATION_CATEGORIES, Attachment


@receiver(signals.order_page, sender=Order, dispatch_uid="conversation.order_page")
def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)


@receiver(signals.order_documents, sender=Order, dispatch_uid="conversation.documents")
def order_documents(sender, *, order, **kwargs):
    """The order's attached documents a written confirmation may reference."""
    return [
        (attachment.pk, f"{attachment.get_category_display()} · {attachment.file_name}")
        for attachment in Attachment.objects.filter(
            order=order, category__in=CONFIRMATION_CATEGORIES, note=None, request=None
        ).order_by("-created_at")
    ]


@receiver(signals.order_confirming, sender=Order, dispatch_uid="conversation.confirming")
def order_confirming(sender, *, order, attachment_id, **kwargs):
    return services.attachment_confirms(order, attachment_id)


@receiver(signals.work_groups, sender=Order, dispatch_uid="conversation.work_groups")
def work_groups(sender, *, user, roles, today, limit, **kwargs):
    return selectors.work_groups(user, limit=limit)


@receiver(
    shipping_signals.document_file_attaching,
    sender=ShipmentDocument,
    dispatch_uid="conversation.shipment_document_file",
)
def shipment_document_file(sender, *, document, actor, file, **kwargs):
    """A checklist item's file is one of the order's attachments."""
    return services.shipment_document_file_store(document=document, actor=actor, file=file)


@receiver(
    shipping_signals.document_files,
    sender=ShipmentDocument,
    dispatch_uid="conversation.shipment_document_files",
)
def shipment_document_files(sender, *, documents, **kwargs):
    return services.shipment_document_files(documents)
