"""Shared parts of the JSON API (/api/v1/): the error format every operation declares, bounded ids,
numbers and text. The routers (kaa/<app>/api.py) and config/api.py use them, so an operation can
only accept what the database can hold and the OpenAPI document lists every answer it can give."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Schema
from ninja.params import P
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

# The largest id a bigint column holds; a larger number is refused with 422 before any query.
MAX_ID = 2**63 - 1
MAX_OFFSET = 10_000_000
MAX_LIMIT = 500

# Control characters are refused in every text the API takes: in a single line all of them, in a
# multi-line text all but tab, line feed and carriage return. The same classes are the patterns in the
# OpenAPI document, so a client can check before sending.
_LINE_PATTERN = r"^[^\x00-\x1F\x7F]*$"
_TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
_LINE_RE = re.compile(_LINE_PATTERN)
_TEXT_RE = re.compile(_TEXT_PATTERN)


class ErrorItem(Schema):
    field: str = Field(description="The field the message is about; empty for the request as a whole.")
    message: str


class ErrorOut(Schema):
    """The one error format of the API: a summary and the messages per field."""

    detail: str
    errors: list[ErrorItem]


# Every operation declares these answers (with the error format) besides its own.
ERROR_RESPONSES: dict[int, Any] = {
    400: ErrorOut,  # a malformed request (unreadable JSON, too many fields)
    401: ErrorOut,  # no valid bearer token
    404: ErrorOut,  # no such record within the caller's access
    413: ErrorOut,  # the body is larger than the server accepts
    422: ErrorOut,  # a parameter or field is invalid
}


def with_errors(ok: dict[int, Any]) -> dict[int, Any]:
    """An operation's ``response=`` argument: its own answers and the shared error answers."""
    return {**ok, **ERROR_RESPONSES}


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError("unicode", str(_("The text is not valid Unicode."))) from exc
    return value


def _check_line(value: str) -> str:
    if not _LINE_RE.match(value):
        raise PydanticCustomError("control_characters", str(_("Control characters are not allowed.")))
    return _encodable(value)


def _check_text(value: str) -> str:
    if not _TEXT_RE.match(value):
        raise PydanticCustomError("control_characters", str(_("Control characters are not allowed.")))
    return _encodable(value)


def line(max_length: int, **field: Any) -> Any:
    """A one-line text of at most ``max_length`` characters, without control characters."""
    return Annotated[str, Field(max_length=max_length, pattern=_LINE_PATTERN, **field), AfterValidator(_check_line)]


def text(max_length: int, **field: Any) -> Any:
    """A text (line breaks and tabs allowed) of at most ``max_length`` characters, no other control characters."""
    return Annotated[str, Field(max_length=max_length, pattern=_TEXT_PATTERN, **field), AfterValidator(_check_text)]


# A record id in a path: a positive bigint.
YouthId = Path[int, P(ge=1, le=MAX_ID, description="The youth's id.")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items a page.")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many items to skip.")]

# A time given to the API: with its time zone and within 2000-2099 (far-off years overflow in time zone
# arithmetic; whether a time may lie in the future is the service's rule).
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def _in_range(value: datetime.datetime) -> datetime.datetime:
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("time_range", str(_("Give a time between the years 2000 and 2099.")))
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
