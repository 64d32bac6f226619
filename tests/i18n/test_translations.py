"""Swedish first: the Swedish catalogue is complete, compiled, and the language switch works."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
# The project's catalogue and the apps' own (makemessages puts an app's messages in its locale folder).
LOCALES = [LOCALE, *sorted((Path(settings.BASE_DIR) / "kaa").glob("*/locale"))]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [v for k, v in sorted(self.fields.items()) if k.startswith("msgstr")]


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: comments, flags, msgctxt/msgid/msgid_plural/msgstr[n], continued strings."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current.fields[key] += ast.literal_eval(line)
        else:
            key, _sep, value = line.partition(" ")
            current.fields[key] = ast.literal_eval(value.strip())
    return [e for e in entries if "msgid" in e.fields and not e.obsolete]


def _messages(lang: str, locale: Path = LOCALE) -> list[Entry]:
    return [e for e in parse_po(locale / lang / "LC_MESSAGES" / "django.po") if e.msgid]


def test_parser_reads_plurals_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n#, fuzzy, python-format\nmsgid "a %(n)s"\n'
                  'msgid_plural "b"\nmsgstr[0] "c"\nmsgstr[1] ""\n"d"\n', encoding="utf-8")
    header, entry = parse_po(po)
    assert header.fields["msgstr"] == "Language: sv\n"
    assert entry.flags == {"fuzzy", "python-format"}
    assert entry.translations == ["c", "d"]


@pytest.mark.parametrize("locale", LOCALES, ids=lambda p: str(p.parent.name))
def test_swedish_catalogue_is_complete(locale):
    entries = _messages("sv", locale)
    assert len(entries) > 10
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated Swedish messages: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy Swedish messages: {fuzzy[:20]}"


@pytest.mark.parametrize("locale", LOCALES, ids=lambda p: str(p.parent.name))
def test_swedish_placeholders_match(locale):
    wrong = []
    for entry in _messages("sv", locale):
        wanted = set(PLACEHOLDER.findall(entry.msgid + entry.fields.get("msgid_plural", "")))
        for text in entry.translations:
            if set(PLACEHOLDER.findall(text)) - wanted or (wanted and not set(PLACEHOLDER.findall(text))):
                wrong.append(entry.msgid)
    assert not wrong, f"placeholders differ: {wrong[:20]}"


@pytest.mark.parametrize("locale", LOCALES, ids=lambda p: str(p.parent.name))
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_compiled_catalogue_is_up_to_date(lang, locale):
    mo = locale / lang / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run scripts/messages to compile the catalogues"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in _messages(lang, locale):
        if "msgid_plural" in entry.fields or "msgctxt" in entry.fields or not entry.fields.get("msgstr"):
            continue
        assert catalogue.gettext(entry.msgid) == entry.fields["msgstr"], "run scripts/messages (compilemessages)"


def test_role_names_in_swedish():
    from django.utils import translation

    from kaa.accounts.models import Role

    with translation.override("sv"):
        labels = {str(label) for _value, label in Role.choices}
    assert labels == {"Samordnare", "Ungdomscoach", "Studie- och yrkesvägledare", "Lärare", "Rektor",
                      "Skolpersonal", "Administratör"}


@pytest.mark.django_db
def test_login_page_is_swedish_by_default_and_switches_to_english(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="sv"' in page
    assert "Logga in" in page and "Användarnamn" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page and "Logga in" not in page
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Logga in" in client.get(reverse("accounts:login")).content.decode()
