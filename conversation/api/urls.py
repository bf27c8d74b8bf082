"""Routes of the conversation API, mounted under /api/v1/ by gendan.api.urls."""

from .views import AttachmentViewSet, NoteViewSet, RequestViewSet

routes = [
    ("notes", NoteViewSet, "note"),
    ("attachments", AttachmentViewSet, "attachment"),
    ("requests", RequestViewSet, "request"),
]
