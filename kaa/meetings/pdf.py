"""The minutes as a PDF (WeasyPrint), from the same templates as the print pages, with the print style
inlined and the project's vendored fonts, so the PDF looks the same on every machine."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
PRINT_CSS = settings.BASE_DIR / "kaa" / "meetings" / "static" / "meetings" / "print.css"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    fonts = (
        f'@font-face {{ font-family: "DejaVu Sans"; src: url("{(FONT_DIR / "DejaVuSans.ttf").as_uri()}"); }}\n'
        f'@font-face {{ font-family: "DejaVu Sans"; font-weight: bold; '
        f'src: url("{(FONT_DIR / "DejaVuSans-Bold.ttf").as_uri()}"); }}\n'
    )
    html = render_to_string(template, {**context, "pdf_css": fonts + PRINT_CSS.read_text(encoding="utf-8")})
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
