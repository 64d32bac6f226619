"""Personal data never reaches a log line: the main journeys log none, and the filter catches slips."""

import datetime
import logging

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kaa.accounts.models import ApiToken
from kaa.core.logging import PERSONNUMMER_PATTERN, REDACTED, RedactPersonalDataFilter, redact
from tests.factories import YouthFactory, make_personnummer


@given(birth=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2015, 12, 31)),
       serial=st.integers(0, 999), coordination=st.booleans(),
       style=st.sampled_from(["12", "10-", "12-"]))
def test_redact_removes_every_form_of_a_personnummer(birth, serial, coordination, style):
    pnr = make_personnummer(birth, serial, coordination)
    written = {"12": pnr, "10-": f"{pnr[2:8]}-{pnr[8:]}", "12-": f"{pnr[:8]}-{pnr[8:]}"}[style]
    text = f"looked up {written}, done"
    assert redact(text) == f"looked up {REDACTED}, done"


def test_redact_leaves_dates_ids_and_times_alone():
    text = "2026-11-24 20:53:16 youth 123456 request 4f1c period 2026-03-02T10"
    assert redact(text) == text


def test_filter_redacts_message_and_args():
    record = logging.LogRecord("kaa", logging.INFO, __file__, 1, "search for %s failed", ("200801011234",), None)
    assert RedactPersonalDataFilter().filter(record) is True
    assert record.getMessage() == f"search for {REDACTED} failed"


@pytest.mark.django_db
def test_main_journeys_log_no_personal_data(client, caplog, municipality, coordinator):
    youth = YouthFactory(municipality=municipality, given_name="Zebulonia", family_name="Quxberg",
                         personnummer=make_personnummer(datetime.date(2008, 5, 17), 123))
    caplog.set_level(logging.DEBUG)

    assert client.post(reverse("accounts:login"),
                       {"username": coordinator.username, "password": "test-password-123"}).status_code == 302
    assert client.get(reverse("register:youth_list")).status_code == 200
    assert client.post(reverse("register:youth_list"), {"q": youth.personnummer}).status_code == 200
    assert client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk})).status_code == 200
    _token, raw = ApiToken.issue(user=coordinator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/youths", **auth).status_code == 200
    assert client.post("/api/v1/youths/search", {"personnummer": youth.personnummer},
                       content_type="application/json", **auth).json()["count"] == 1
    assert client.get("/api/v1/youths", {"personnummer": youth.personnummer}, **auth).status_code == 400
    assert client.get(f"/api/v1/youths/{youth.pk}", **auth).status_code == 200
    client.get("/api/v1/youths/999999", **auth)
    client.post(reverse("accounts:login"), {"username": youth.personnummer, "password": "wrong-password-1"})

    assert caplog.records, "expected some log records from the journeys"
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert not PERSONNUMMER_PATTERN.search(text), f"personnummer in log: {record.name}: {text[:200]}"
        assert "Zebulonia" not in text and "Quxberg" not in text, f"name in log: {record.name}"


PNR = make_personnummer(datetime.date(2008, 5, 17), 123)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_development_server_access_log_is_redacted():
    """runserver's request line (logger django.server) goes through the same redaction as the app's logs."""
    from django.core.servers.basehttp import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.requestline = f"GET /api/v1/youths?personnummer={PNR} HTTP/1.1"
    capture = _Capture()
    logger = logging.getLogger("django.server")
    logger.addHandler(capture)
    try:
        handler.log_request(400, 87)
    finally:
        logger.removeHandler(capture)
    (line,) = capture.lines
    assert PNR not in line and REDACTED in line and "/api/v1/youths?personnummer=" in line
    # The configured handler of the development server carries the filter as well.
    assert any(isinstance(f, RedactPersonalDataFilter) for h in logger.handlers for f in h.filters)


def _gunicorn_logger(stream):
    import runpy
    from pathlib import Path

    from gunicorn.config import Config

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("logger_class", "accesslog", "errorlog", "wsgi_app"):
        cfg.set(name, conf[name])
    logger = cfg.logger_class(cfg)
    for log in (logger.access_log, logger.error_log):
        for h in log.handlers:
            h.setStream(stream)
    return logger


def test_gunicorn_access_log_is_redacted():
    import io
    from types import SimpleNamespace

    stream = io.StringIO()
    logger = _gunicorn_logger(stream)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/v1/youths?personnummer={PNR[2:8]}-{PNR[8:]}",
               "PATH_INFO": "/api/v1/youths", "QUERY_STRING": f"personnummer={PNR}", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "10.0.0.7", "HTTP_REFERER": f"https://kaa.example/?q={PNR}"}
    response = SimpleNamespace(status="400 Bad Request", sent=87, headers=[("Content-Type", "application/json")])
    request = SimpleNamespace(headers=[("REFERER", f"https://kaa.example/?q={PNR}")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    logger.error("worker failed on %s", f"/x/{PNR}")
    written = stream.getvalue()
    assert "GET /api/v1/youths?personnummer=" in written and "400" in written
    assert PNR not in written and PNR[2:8] not in written
    assert written.count(REDACTED) >= 3


def test_gunicorn_config_uses_the_redacting_logger():
    import runpy
    from pathlib import Path

    from gunicorn.glogging import Logger

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"))
    assert issubclass(conf["logger_class"], Logger) and conf["logger_class"] is not Logger
    assert conf["wsgi_app"] == "config.wsgi" and conf["accesslog"] == "-"
