"""The action plan as a plain-Swedish PDF the youth can take home (and sign), with WeasyPrint.

Always in Swedish, whatever the staff member's language. Holds the youth's goal and the measures,
never the journal: nothing confidential is in it. The fonts are the project's vendored ones
(see kaa.messaging.pdf), so the PDF looks the same on every machine.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .codes import CodeTable
from .models import ActionPlan, CodeKind, Measure

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"

RESPONSIBLE_SV = {"youth": "Du själv", "municipality": "Kommunen (KAA)", "other": "En annan aktör"}


def plan_context(*, youth: Any, plan: ActionPlan, today: Any = None) -> dict:
    table = CodeTable.load()
    measures = list(Measure.objects.filter(plan=plan, declined=False).order_by("start", "pk")) if plan.pk else []
    rows = []
    for m in measures:
        who = RESPONSIBLE_SV.get(m.responsible, m.responsible)
        if m.responsible_other:
            who = f"{who}: {m.responsible_other}"
        rows.append({
            "what": table.label(CodeKind.MEASURE, m.code) + (f": {m.other_which}" if m.other_which else ""),
            "activity": m.activity.title if m.activity_id else "",
            "goal": m.goal, "place": m.place, "start": m.start, "end": m.end, "who": who,
            "follow_up_on": m.follow_up_on, "evaluate_on": m.evaluate_on, "waiting": m.waiting,
            "ended": table.label(CodeKind.END_REASON, m.end_reason) if m.end_reason else "",
        })
    return {
        "youth_name": youth.full_name, "municipality": youth.municipality.name,
        "coach": youth.coach, "coach_phone": getattr(youth.coach, "phone", "") if youth.coach else "",
        "coach_email": getattr(youth.coach, "email", "") if youth.coach else "",
        "goal": plan.goal, "review_on": plan.review_on, "revision": plan.revision, "measures": rows,
        "date": (today or timezone.localdate()).isoformat(),
        "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
        "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
    }


def render_plan_pdf(*, youth: Any, plan: ActionPlan, today: Any = None) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("casework/pdf/plan.html", plan_context(youth=youth, plan=plan, today=today))
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
