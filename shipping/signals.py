"""The hooks shipping sends to the apps above it, which it never imports (the rules
are those of ``orders.signals``).

A shipment's documents checklist (``ShipmentDocument``: kind, needed, ready) keeps
its files on the one model of attached files, which lives above shipping
(``conversation.Attachment``). Shipping asks for them through these hooks.
"""

from __future__ import annotations

from django.dispatch import Signal

# shipment_document_update with a file, under the order's lock, after the policy
# check: a receiver checks and stores ``file`` as the file of ``document`` (replacing
# the one it had) and returns the stored file; it raises ValidationFailed for a file
# it refuses (too large, a type not allowed), which rolls the update back.
# Arguments: document, actor, file.
document_file_attaching = Signal()

# The files of some checklist items: a receiver returns {document id: stored file}
# (a ``gendan.uploads.StoredFile``) for those of ``documents`` that have one.
# Arguments: documents (a list of ShipmentDocument).
document_files = Signal()
