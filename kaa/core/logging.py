"""Log filters: every line carries the request id; personnummer never reach a log."""

import logging
import re

from .context import request_id_var

# 10 or 12 digits with an optional separator, as a personnummer or samordningsnummer is written.
PERSONNUMMER_PATTERN = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
REDACTED = "[personnummer]"


def redact(text: str) -> str:
    return PERSONNUMMER_PATTERN.sub(REDACTED, text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RedactPersonalDataFilter(logging.Filter):
    """Defence in depth: code must not log personal data, and this catches a slip."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
