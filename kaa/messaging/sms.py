"""SMS backends: a small interface, like Django's mail backends.

``KAA_SMS_BACKEND`` names the class: ``FileSmsBackend`` (demo: one file per message),
``LocmemSmsBackend`` (tests: an outbox list), ``ElksSmsBackend`` (production: 46elks' HTTP API).
Backends never log the number or the text.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class BaseSmsBackend:
    def send(self, to: str, text: str) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in ``LocmemSmsBackend.outbox`` (a class attribute, like Django's mail.outbox)."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, to: str, text: str) -> SmsResult:
        provider_id = f"locmem-{len(self.outbox) + 1}"
        self.outbox.append({"to": to, "text": text, "id": provider_id})
        return SmsResult(ok=True, provider_id=provider_id)


class FileSmsBackend(BaseSmsBackend):
    """Writes each message to a file in ``KAA_SMS_FILE_PATH`` (the demo's stand-in for a provider)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.KAA_SMS_FILE_PATH)

    def send(self, to: str, text: str) -> SmsResult:
        provider_id = f"file-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / f"{provider_id}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        except OSError as exc:
            return SmsResult(ok=False, error=f"file: {exc.__class__.__name__}")
        return SmsResult(ok=True, provider_id=provider_id)


class ElksSmsBackend(BaseSmsBackend):
    """46elks: POST form-encoded ``from``, ``to``, ``message`` with HTTP basic auth; JSON reply."""

    def __init__(self, *, url: str | None = None, user: str | None = None, password: str | None = None,
                 sender: str | None = None, timeout: float = 10.0) -> None:
        self.url = url or settings.KAA_SMS_API_URL
        self.user = settings.KAA_SMS_API_USER if user is None else user
        self.password = settings.KAA_SMS_API_PASSWORD if password is None else password
        self.sender = sender or settings.KAA_SMS_SENDER
        self.timeout = timeout

    def _request(self, to: str, text: str) -> urllib.request.Request:
        body = urllib.parse.urlencode({"from": self.sender, "to": to, "message": text}).encode()
        credentials = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return urllib.request.Request(  # noqa: S310 - the URL is configuration, http(s) only
            self.url, data=body, method="POST",
            headers={"Authorization": f"Basic {credentials}",
                     "Content-Type": "application/x-www-form-urlencoded"},
        )

    def send(self, to: str, text: str) -> SmsResult:
        if not self.url.startswith(("https://", "http://")):
            return SmsResult(ok=False, error="configuration: KAA_SMS_API_URL must be http(s)")
        try:
            with urllib.request.urlopen(self._request(to, text), timeout=self.timeout) as response:  # noqa: S310
                payload: Any = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as exc:
            logger.warning("SMS provider refused the message: HTTP %s", exc.code)
            return SmsResult(ok=False, error=f"HTTP {exc.code}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("SMS provider unreachable: %s", exc.__class__.__name__)
            return SmsResult(ok=False, error=f"connection: {exc.__class__.__name__}")
        except ValueError:
            return SmsResult(ok=False, error="invalid response")
        if not isinstance(payload, dict):
            return SmsResult(ok=False, error="invalid response")
        status = str(payload.get("status", ""))
        if status == "failed":
            return SmsResult(ok=False, provider_id=str(payload.get("id", "")), error="status: failed")
        return SmsResult(ok=True, provider_id=str(payload.get("id", "")))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.KAA_SMS_BACKEND)()
