"""The fraktsedel as a plain-Swedish PDF (WeasyPrint), from the text kept as given.

Always in Swedish, whatever the staff member's language; the project's vendored fonts, like the plan PDF.
Never the journal: only the sections chosen with the youth.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import translation

from kaa.casework.pdf import FONT_DIR

from .models import Fraktsedel, Transition

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TRANSITION_SV = {
    Transition.SCHOOL: "Från grundskolan till gymnasieskolan",
    Transition.PARTNER: "Från KAA till en samverkanspart",
    Transition.ADULT: "Vid 20 år, till vuxenverksamhet",
    Transition.MUNICIPALITY: "Till en annan kommun",
}
GIVEN_BY_SV = {"youth": "ungdomen", "guardian": "vårdnadshavare"}


def fraktsedel_context(*, fraktsedel: Fraktsedel) -> dict:
    youth = fraktsedel.youth
    return {
        "youth_name": youth.full_name,
        "municipality": fraktsedel.municipality.name,
        "transition": TRANSITION_SV.get(fraktsedel.transition, ""),
        "recipient_organisation": fraktsedel.recipient_organisation,
        "recipient_name": fraktsedel.recipient_name,
        "given_on": fraktsedel.given_on.isoformat(),
        "sections": fraktsedel.content,
        "given_by": GIVEN_BY_SV.get(fraktsedel.consent.given_by, ""),
        "staff": fraktsedel.created_by.get_full_name() if fraktsedel.created_by else "",
        "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
        "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
    }


def render_fraktsedel_pdf(*, fraktsedel: Fraktsedel) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("handover/pdf/fraktsedel.html", fraktsedel_context(fraktsedel=fraktsedel))
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
