"""The printable documents: pages logged in as the Cast's users, the PDF's text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.pages.conftest import _pages_settings, as_user  # noqa: F401  (fixtures)


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF, as a reader (or a search) extracts it."""
    assert content.startswith(b"%PDF-"), content[:40]
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def pdf_of():
    """pdf_of(response) -> the extracted text of a PDF response (checked to be one)."""

    def extract(response) -> str:
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "application/pdf"
        return pdf_text(b"".join(response) if response.streaming else response.content)

    return extract
