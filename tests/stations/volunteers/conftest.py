import pytest

from stations.sms import outbox


@pytest.fixture(autouse=True)
def empty_outbox():
    """Every test here reads the messages it caused, and only those."""
    outbox.clear()
    yield
    outbox.clear()
