"""The SMS backends; 46elks against a local fake provider on loopback."""

import base64
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from kaa.messaging.sms import ElksSmsBackend, FileSmsBackend, LocmemSmsBackend, SmsResult, get_sms_backend


class FakeElks(BaseHTTPRequestHandler):
    """Answers like 46elks; the test sets ``status_code`` and ``body`` on the server."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append({
            "path": self.path, "auth": self.headers.get("Authorization", ""),
            "content_type": self.headers.get("Content-Type", ""),
            "form": urllib.parse.parse_qs(self.rfile.read(length).decode()),
        })
        body = self.server.body.encode()
        self.send_response(self.server.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet (and free of numbers)
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), FakeElks)
    server.requests, server.status_code = [], 200
    server.body = json.dumps({"id": "s70df59406a1b4643b96f3f91e0bfb7b0", "status": "created", "to": "+46700000000"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _backend(server) -> ElksSmsBackend:
    return ElksSmsBackend(url=f"http://127.0.0.1:{server.server_port}/a1/sms", user="u123", password="secret",
                          sender="Kommunen", timeout=5)


def test_elks_posts_form_with_basic_auth_and_parses_id(provider):
    result = _backend(provider).send("+46700000000", "Hej! Ring mig.")
    assert result == SmsResult(ok=True, provider_id="s70df59406a1b4643b96f3f91e0bfb7b0", error="")
    (request,) = provider.requests
    assert request["path"] == "/a1/sms"
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["form"] == {"from": ["Kommunen"], "to": ["+46700000000"], "message": ["Hej! Ring mig."]}
    assert base64.b64decode(request["auth"].removeprefix("Basic ")).decode() == "u123:secret"


@pytest.mark.parametrize("status", [401, 403, 422, 500, 503])
def test_elks_provider_error_is_a_failed_result(provider, status):
    provider.status_code, provider.body = status, "Invalid to number"
    result = _backend(provider).send("+46700000000", "Hej")
    assert result.ok is False
    assert result.error == f"HTTP {status}"


def test_elks_failed_status_in_json_is_a_failure(provider):
    provider.body = json.dumps({"id": "x1", "status": "failed"})
    assert _backend(provider).send("+46700000000", "Hej").ok is False


def test_elks_invalid_json_is_a_failure(provider):
    provider.body = "<html>oops</html>"
    result = _backend(provider).send("+46700000000", "Hej")
    assert (result.ok, result.error) == (False, "invalid response")


def test_elks_connection_refused_is_a_failure():
    with socket.socket() as sock:  # a port that nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = ElksSmsBackend(url=f"http://127.0.0.1:{port}/a1/sms", user="u", password="p", timeout=2)
    result = backend.send("+46700000000", "Hej")
    assert result.ok is False
    assert result.error.startswith("connection")


def test_elks_refuses_non_http_urls():
    assert ElksSmsBackend(url="file:///etc/passwd", user="u", password="p").send("1", "x").ok is False


def test_elks_does_not_log_number_or_text(provider, caplog):
    provider.status_code = 500
    _backend(provider).send("+46701234567", "Hemligt meddelande")
    assert "+46701234567" not in caplog.text and "Hemligt" not in caplog.text


def test_file_backend_writes_one_file(tmp_path):
    result = FileSmsBackend(path=tmp_path).send("+46700000000", "Hej från kommunen")
    assert result.ok
    (path,) = tmp_path.iterdir()
    assert "Hej från kommunen" in path.read_text(encoding="utf-8")


def test_locmem_backend_is_the_test_setting():
    backend = get_sms_backend()
    assert isinstance(backend, LocmemSmsBackend)
    backend.send("+4670", "x")
    assert LocmemSmsBackend.outbox[-1]["text"] == "x"
