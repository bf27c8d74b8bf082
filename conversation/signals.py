"""What the conversation tells the apps above it (alerts), which it never imports.

Sent inside the service's transaction, after the row is written: a receiver writes
its rows in the same transaction (the inbox item exists exactly when the note or
the request does) and its error rolls the change back (``send``, not ``send_robust``).
``sender`` is the model class.
"""

from __future__ import annotations

from django.dispatch import Signal

# A note mentioned colleagues. Arguments: note, users (the mentioned users, each once,
# never the author).
note_mentioned = Signal()

# A request was made: it waits in the approver's inbox. Arguments: request.
request_opened = Signal()

# A request was approved or rejected: the requester is told. Arguments: request.
request_decided = Signal()
