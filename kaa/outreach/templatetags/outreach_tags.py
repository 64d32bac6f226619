"""Template filters of the outreach pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def tel(phone: str) -> str:
    """A phone number as a ``tel:`` URI: digits only, a leading + kept ("070-123 45 67" -> "tel:0701234567")."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"tel:{'+' if phone.startswith('+') else ''}{digits}" if digits else ""
