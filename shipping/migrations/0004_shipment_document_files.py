"""The documents checklist's files now live on conversation.Attachment (moved there by
conversation's 0004, which this waits for): the item's own file columns go."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('shipping', '0003_document_file_columns_db_default'),
        # The files are copied onto attachments before their columns are dropped.
        ('conversation', '0004_shipment_document_files_moved'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='shipmentdocument',
            name='file',
        ),
        migrations.RemoveField(
            model_name='shipmentdocument',
            name='file_content_type',
        ),
        migrations.RemoveField(
            model_name='shipmentdocument',
            name='file_name',
        ),
        migrations.RemoveField(
            model_name='shipmentdocument',
            name='file_size',
        ),
    ]
