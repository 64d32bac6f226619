"""The address of a page that takes one id, reversed once for a whole table (``IdUrl``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# A number no real id reaches, put in the place of the id when the address of a page by id is reversed once.
_MARKER_ID = 987654321987654321


class IdUrl:
    """The address of a page that takes one id (``youths/<int:pk>/``), reversed once for a whole table: each
    row's address is then the id put in its place, not a ``{% url %}`` (a URL resolver's work) per row."""

    do_not_call_in_templates = True  # a template passes it to ``for_id``, never calls it

    def __init__(self, name: str) -> None:
        address = str(conditional_escape(reverse(name, args=[_MARKER_ID])))
        before, _marker, after = address.partition(str(_MARKER_ID))
        self.before, self.after = before, after

    def __call__(self, pk: Any) -> SafeString:
        return mark_safe(f"{self.before}{int(pk)}{self.after}")
