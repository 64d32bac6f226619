import pytest

from kaa.imports import services


@pytest.fixture(params=["lookup", "scan"])
def lookup(request, monkeypatch):
    """Existing youths are matched by a lookup (small files) or one pass over all youths (large ones)."""
    if request.param == "scan":
        monkeypatch.setattr(services, "SCAN_ABOVE", 0)
