"""Letters and postcards rendered to PDF with WeasyPrint.

The fonts are vendored in ``static/fonts`` (DejaVu Sans has Arabic glyphs) and referenced by a
file URL, so the PDF looks the same on every machine whatever fonts are installed.
"""

from __future__ import annotations

import base64
import datetime
import io
import logging
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.constants
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import LetterTemplateVersion
from .placeholders import fill

# WeasyPrint logs seven progress lines per document at INFO: noise in a batch of a thousand letters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PROTECTED_ADDRESS_NOTE = "Skickas via Skatteverkets förmedlingstjänst (skyddad identitet)"
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
LETTER_ANCHOR = "letter-"  # each letter's <article id>, found on the page it starts on


@dataclass(frozen=True)
class LetterItem:
    """One letter to print: the youth, the plain reply code, and the coach who signs it (None: the
    municipality's KAA team signs)."""

    youth: Any
    code: str
    coach: Any


def reply_url(code: str = "") -> str:
    base = settings.KAA_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/svar/{code}/" if code else f"{base}/svar/"


def qr_data_uri(url: str) -> str:
    """A small 1-bit PNG: WeasyPrint draws an SVG path of a QR code ten times slower than an image."""
    # A fixed mask pattern skips qrcode's trial of all eight (most of its time); any mask scans.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2, mask_pattern=2)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().get_image().convert("1").save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def placeholder_values(*, youth: Any, coach: Any, code: str, municipality: Any,
                       today: datetime.date | None = None, lang: str = "sv") -> dict[str, str]:
    """The values of the placeholders for one letter, in the language of one of its sections.

    Without a coach the letter comes from the municipality's KAA team, with the KAA's phone number and
    e-mail address; a coach without a phone number or e-mail address lends the KAA's.
    """
    with translation.override(lang):
        if coach:
            name = coach.get_full_name() or coach.get_username()
            signature = gettext("%(name)s, youth coach in %(municipality)s") % {
                "name": name, "municipality": municipality.name}
        else:
            name = gettext("the KAA team in %(municipality)s") % {"municipality": municipality.name}
            signature = gettext("The KAA team in %(municipality)s") % {"municipality": municipality.name}
    return {
        "fornamn": youth.given_name or "",
        "coach_namn": name,
        "coach_telefon": (getattr(coach, "phone", "") or "") or (getattr(municipality, "kaa_phone", "") or ""),
        "coach_epost": (getattr(coach, "email", "") or "") or (getattr(municipality, "kaa_email", "") or ""),
        "underskrift": signature,
        "kommun": municipality.name,
        "svarskod": code,
        "svarsadress": reply_url(),
        "datum": (today or timezone.localdate()).isoformat(),
    }


def address_lines(youth: Any) -> tuple[list[str], bool]:
    """The address block, and whether it goes through Skatteverket (protected identity)."""
    if youth.protection:
        return [youth.full_name, PROTECTED_ADDRESS_NOTE], True
    postal = " ".join(part for part in (youth.postal_code, youth.city) if part)
    return [line for line in (youth.full_name, youth.address, postal) if line], False


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


# The language whose words (a signature without a coach) fill each section: Arabic readers get English.
SECTION_LANGUAGE = {"sv": "sv", "en": "en", "ar": "en"}


def letter_context(version: LetterTemplateVersion, item: LetterItem, municipality: Any,
                   today: datetime.date | None = None) -> dict[str, Any]:
    """The letter's texts filled in. Raises EmptyPlaceholder when a placeholder it uses has no value."""

    def values(lang: str) -> dict[str, str]:
        return placeholder_values(youth=item.youth, coach=item.coach, code=item.code, municipality=municipality,
                                  today=today, lang=SECTION_LANGUAGE[lang])

    swedish = values("sv")
    lines, protected = address_lines(item.youth)
    sections = [{"lang": "sv", "dir": "ltr", "paragraphs": _paragraphs(fill(version.body, swedish))}]
    for lang, body in (("en", version.body_en), ("ar", version.body_ar)):
        if body.strip():
            sections.append({"lang": lang, "dir": "rtl" if lang == "ar" else "ltr",
                             "paragraphs": _paragraphs(fill(body, values(lang)))})
    return {
        "title": fill(version.title, swedish),
        "sections": sections,
        "address_lines": lines,
        "protected": protected,
        "code": item.code,
        "reply_url": reply_url(item.code),
        "qr": qr_data_uri(reply_url(item.code)) if item.code else "",
        "sender": municipality.name,
        "date": swedish["datum"],
    }


def _document(version: LetterTemplateVersion, items: list[LetterItem], municipality: Any,
              today: datetime.date | None = None) -> Any:
    from weasyprint import HTML

    html = render_to_string("messaging/pdf/document.html", {
        "letters": [letter_context(version, item, municipality, today) for item in items],
        "postcard": version.template.is_postcard,
        "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
        "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
    })
    return HTML(string=html, base_url=str(FONT_DIR)).render()


def render_pdf(version: LetterTemplateVersion, items: list[LetterItem], municipality: Any,
               today: datetime.date | None = None) -> bytes:
    """One PDF with one letter (or postcard) per item, each starting on a new page."""
    return _document(version, items, municipality, today).write_pdf()


def render_pdf_with_pages(version: LetterTemplateVersion, items: list[LetterItem], municipality: Any,
                          today: datetime.date | None = None) -> tuple[bytes, list[tuple[int, int]]]:
    """``render_pdf``, and each item's (first page counted from 0, number of pages) in that PDF."""
    document = _document(version, items, municipality, today)
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith(LETTER_ANCHOR):
                starts.setdefault(int(anchor.removeprefix(LETTER_ANCHOR)), number)
    if sorted(starts) != list(range(len(items))):
        raise RuntimeError("Letter anchors missing from the rendered PDF")
    ends = [starts[i + 1] for i in range(len(items) - 1)] + [len(document.pages)]
    return document.write_pdf(), [(starts[i], ends[i] - starts[i]) for i in range(len(items))]


def select_pages(content: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """A PDF holding only the given (first page, number of pages) ranges of ``content``, in that order."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter()
    for first, count in ranges:
        for number in range(first, first + count):
            writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
