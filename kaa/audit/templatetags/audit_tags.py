"""Audit-log codes in words (see kaa.audit.labels)."""

from django import template

from kaa.audit import labels

register = template.Library()


@register.filter
def audit_object(object_type: str) -> str:
    return labels.object_label(object_type)


@register.filter
def audit_detail(detail: str) -> str:
    return labels.detail_label(detail)


@register.filter
def audit_channel(channel: str) -> str:
    return labels.channel_label(channel)


@register.filter
def audit_fields(entry) -> str:
    return labels.fields_label(entry.object_type, entry.fields)
