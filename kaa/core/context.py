"""Per-request context (request id, channel) read by the audit log and log lines."""

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
channel_var: contextvars.ContextVar[str] = contextvars.ContextVar("channel", default="cli")


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting(channel: str, request_id: str | None = None) -> Iterator[str]:
    """Run a block as one channel (ui, api, task, cli) with its own request id."""
    rid = request_id or new_request_id()
    t1 = request_id_var.set(rid)
    t2 = channel_var.set(channel)
    try:
        yield rid
    finally:
        request_id_var.reset(t1)
        channel_var.reset(t2)
