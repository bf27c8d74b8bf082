import pytest

from alerts import tasks


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[int]:
    """The alert ids whose e-mail task was queued; nothing reaches a broker in these tests
    (the worker test sends through a real broker from its own process)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.alert_email_send_task, "delay", sent.append)
    return sent
