"""The June follow-up as a PDF in plain Swedish, with WeasyPrint: the same figures and charts as the page.

The charts are the page's inline SVG (kaa.reporting.charts), which WeasyPrint draws as vectors with
their text kept as text. The fonts are the project's vendored ones (see kaa.messaging.pdf), declared
under the name the charts ask for too, so the PDF looks the same on every machine.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import followup, followup_output

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"


def follow_up_pdf(
    *, report: followup.FollowUpReport, municipality: object, start: object, end: object, exact: bool, goals: object
) -> tuple[followup_output.FollowUpDocument, bytes]:
    """The follow-up document (labels in Swedish) and its PDF's bytes."""
    from weasyprint import HTML

    with translation.override("sv"):
        doc = followup_output.document(
            report=report, municipality=municipality, start=start, end=end, exact=exact, goals=goals
        )
        html = render_to_string(
            "reporting/follow_up_pdf.html",
            {
                "doc": doc,
                "made_on": timezone.localdate(),
                "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
                "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
            },
        )
    return doc, HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
