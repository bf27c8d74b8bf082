"""The files of the shipments' documents checklist move onto the one model of files:
each checklist item that has a file gets an attachment of its order, about its
shipment, tied to the item (the stored file itself stays where it is). Shipping's
0004 then drops the item's own file columns. (Apart from 0003: PostgreSQL creates
0003's indexes at the end of its transaction, which rows written in it would block.)"""

from django.db import migrations

FILE_FIELDS = ("file", "file_name", "file_content_type", "file_size")


def files_to_attachments(apps, schema_editor):
    Attachment = apps.get_model("conversation", "Attachment")
    ShipmentDocument = apps.get_model("shipping", "ShipmentDocument")
    documents = (
        ShipmentDocument.objects.exclude(file="")
        .exclude(file__isnull=True)
        .select_related("shipment")
        .order_by("pk")
    )
    for document in documents.iterator(chunk_size=500):
        attachment = Attachment.objects.create(
            order_id=document.shipment.order_id,
            shipment_id=document.shipment_id,
            shipment_document_id=document.pk,
            category="document",
            uploaded_by_id=document.updated_by_id or document.shipment.created_by_id,
            **{name: getattr(document, name) for name in FILE_FIELDS},
        )
        # When the file came, not when it moved.
        Attachment.objects.filter(pk=attachment.pk).update(created_at=document.updated_at)


def attachments_to_files(apps, schema_editor):
    Attachment = apps.get_model("conversation", "Attachment")
    ShipmentDocument = apps.get_model("shipping", "ShipmentDocument")
    attachments = Attachment.objects.exclude(shipment_document=None).order_by("pk")
    for attachment in attachments.iterator(chunk_size=500):
        ShipmentDocument.objects.filter(pk=attachment.shipment_document_id).update(
            **{name: getattr(attachment, name) for name in FILE_FIELDS}
        )
    attachments.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversation", "0003_shipment_document_files"),
    ]

    operations = [
        migrations.RunPython(files_to_attachments, attachments_to_files, elidable=False),
    ]
