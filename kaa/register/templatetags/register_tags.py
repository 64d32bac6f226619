"""Template filters of the register pages."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kaa.core.idurl import IdUrl
from kaa.register import labels

register = template.Library()


@register.filter
def age(youth: Any) -> int:
    return youth.age_on(timezone.localdate())


@register.filter
def age_on(youth: Any, day: Any) -> str:
    """``{{ y|age_on:today }}``: the age on a day the view gives once, not the date asked again per row; as
    text (what the number is written as), so that the template does not localize a number per row."""
    return str(youth.age_on(day))


@register.filter
def reason_label(code: str) -> str:
    return labels.reason_label(code)


@register.filter
def event_label(kind: str) -> str:
    return labels.event_label(kind)


@register.filter
def event_detail(event: Any) -> str:
    return labels.event_detail(event.kind, event.data)


@register.simple_tag
def register_rows(page: Any, today: Any) -> SafeString:
    """The register list's rows (``register/_register_rows.html``), written here: the same HTML the template
    loop wrote, without some fifteen template lookups, filters and translations per row (50 rows a page).
    Every value from the database is escaped."""
    youth_url = IdUrl("register:youth_detail")
    in_group, not_in_group = gettext("In the target group"), gettext("Not in the target group")
    unassigned = conditional_escape(gettext("Unassigned"))
    protected = f' <span class="ds-tag" data-color="danger">{conditional_escape(gettext("Protected identity"))}</span>'
    extended = (f' <span class="ds-tag" data-color="info" title="'
                f'{conditional_escape(gettext("Extended responsibility (20–24)"))}">'
                f'{conditional_escape(gettext("UKAA"))}</span>')
    reasons: dict[str, str] = {}
    rows = []
    for y in page:
        reason = reasons.get(y.register_reason)
        if reason is None:
            reason = reasons[y.register_reason] = conditional_escape(labels.reason_label(y.register_reason) or "–")
        coach = (conditional_escape(str(y.coach)) if y.coach else f'<span class="kaa-muted">{unassigned}</span>')
        rows.append(
            f'\n    <tr>\n      <td><a class="ds-link" href="{youth_url(y.pk)}">{conditional_escape(y.family_name)}, '
            f'{conditional_escape(y.given_name)}</a>{protected if y.is_protected else ""}</td>\n'
            f'      <td>{conditional_escape(in_group if y.in_target_group else not_in_group)}'
            f'{extended if y.register_extended else ""}</td>\n'
            f'      <td>{y.age_on(today)}</td>\n'
            f'      <td>{reason}</td>\n'
            f'      <td>{y.register_since.isoformat() if y.register_since else "–"}</td>\n'
            f'      <td>{coach}</td>\n'
            f'      <td>{conditional_escape(y.latest_school or "–")}</td>\n'
            f'    </tr>\n  ')
    return mark_safe("".join(rows))  # every value escaped above
