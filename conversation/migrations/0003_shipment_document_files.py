"""The files of the shipments' documents checklist move onto the one model of files:
an attachment may be the file of a checklist item (0004 moves the files over)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversation", "0002_discount"),
        ("shipping", "0003_document_file_columns_db_default"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="shipment_document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="shipping.shipmentdocument",
                verbose_name="出货单证",
            ),
        ),
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("shipment_document__isnull", False)),
                fields=("shipment_document",),
                name="attachment_one_file_per_shipment_document",
            ),
        ),
    ]
