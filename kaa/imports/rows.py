"""Validating a read table into typed rows: one message per problem, naming row and column."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from operator import itemgetter

from django.utils.translation import gettext as _

from kaa.core.validators import CONTROL_CHARACTERS
from kaa.register.identity import parse_identity
from kaa.register.models import COMPULSORY_SCHOOL_TYPES, Protection, Result, SchoolType

from .parsers import SCHOOL_COLUMNS, SS12000_EXTRA, IssueList, Table, issue

POPULATION_COLUMNS = (
    "personnummer", "fornamn", "efternamn", "kommunkod", "folkbokford_datum", "adress", "postnummer", "postort",
    "telefon", "epost", "skydd", "invandringsdatum", "status", "status_datum",
    "vardnadshavare1_namn", "vardnadshavare1_telefon", "vardnadshavare2_namn", "vardnadshavare2_telefon",
)
POPULATION_REQUIRED = ("personnummer", "fornamn", "efternamn", "kommunkod")
SCHOOL_REQUIRED = ("personnummer", "skolform", "startdatum")

# Column → longest value the database keeps.
MAX_LENGTH = {"fornamn": 100, "efternamn": 100, "adress": 200, "postnummer": 10, "postort": 100, "telefon": 40,
              "epost": 254, "vardnadshavare1_namn": 200, "vardnadshavare2_namn": 200,
              "vardnadshavare1_telefon": 40, "vardnadshavare2_telefon": 40, "program": 12, "skolenhetskod": 16,
              "skolenhet": 200}
PROTECTION_VALUES = {"": "", "ingen": "", Protection.CONFIDENTIAL.value: Protection.CONFIDENTIAL.value,
                     Protection.PROTECTED_REGISTRATION.value: Protection.PROTECTED_REGISTRATION.value}
STATUS_VALUES = {"": "normal", "normal": "normal", "utflyttad": "utflyttad", "utvandrad": "utvandrad",
                 "avliden": "avliden"}
SCHOOL_TYPES = frozenset(SchoolType.values)
RESULTS = frozenset(Result.values)
_has_control = CONTROL_CHARACTERS.search  # a NUL, line break, tab, DEL …: refused in every imported value
YES_NO = {"": False, "nej": False, "no": False, "0": False, "ja": True, "yes": True, "1": True, "x": True}


@dataclass(slots=True)
class PopulationRow:
    row: int
    personnummer: str
    birth_date: datetime.date
    is_coordination_number: bool
    given_name: str
    family_name: str
    municipality_code: str
    registered_from: datetime.date | None
    address: str
    postal_code: str
    city: str
    phone: str
    email: str
    protection: str
    immigration_date: datetime.date | None
    population_status: str
    population_status_date: datetime.date | None
    guardians: tuple[tuple[str, str], ...]

    def digest(self) -> str:
        """Fingerprint of every imported fact: equal digests mean nothing to update."""
        text = "\x1f".join((
            self.given_name, self.family_name, self.municipality_code, str(self.registered_from), self.address,
            self.postal_code, self.city, self.phone, self.email, self.protection, str(self.immigration_date),
            self.population_status, str(self.population_status_date),
            *(f"{name}\x1e{phone}" for name, phone in self.guardians)))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(slots=True)
class SchoolRow:
    row: int
    personnummer: str
    birth_date: datetime.date
    is_coordination_number: bool
    school_type: str
    programme: str
    school_year: int | None
    school_unit_code: str
    school_unit_name: str
    equivalent: bool
    start_date: datetime.date
    end_date: datetime.date | None
    interruption_date: datetime.date | None
    result: str
    result_date: datetime.date | None
    cancelled: bool
    source_key: str
    # Only from SS 12000 JSON: what the school system knows about the person.
    given_name: str = ""
    family_name: str = ""
    protection: str = ""
    municipality_code: str = ""

    def facts(self) -> tuple:
        return (self.school_type, self.programme, self.school_year, self.school_unit_code, self.school_unit_name,
                self.equivalent, self.start_date, self.end_date, self.interruption_date, self.result,
                self.result_date, self.cancelled)


ENROLMENT_FIELDS = ("school_type", "programme", "school_year", "school_unit_code", "school_unit_name", "equivalent",
                    "start_date", "end_date", "interruption_date", "result", "result_date", "cancelled")
INTERRUPTION = ENROLMENT_FIELDS.index("interruption_date")


def source_key(school_type: str, unit_code: str, programme: str, start: datetime.date) -> str:
    """Stable identity of an enrolment across imports (CONTRACTS.md)."""
    return hashlib.sha256(f"{school_type}|{unit_code}|{programme}|{start.isoformat()}".encode()).hexdigest()


_DOUBLED = str.maketrans("0123456789", "0246813579")  # digit → digit sum of twice it (Luhn)


def _fast_identity(value: str) -> tuple[str, datetime.date, bool] | None:
    """The common case, 12 digits without separator, checked without the personnummer package (speed).

    Returns None for other forms (10 digits, separators: ``parse_identity`` decides) and raises
    ValueError("invalid") for a 12-digit number with a wrong check digit, date or serial 000.
    """
    if len(value) != 12 or not (value.isascii() and value.isdigit()):
        return None
    if value[8:11] == "000":
        raise ValueError("invalid")
    # Digit sums as sums of ASCII codes (in C), less 48 for each of the nine digits.
    total = sum(value[2:11:2].translate(_DOUBLED).encode()) + sum(value[3:11:2].encode()) - 9 * 48
    if (10 - total % 10) % 10 != ord(value[11]) - 48:
        raise ValueError("invalid")
    day = int(value[6:8])
    coordination = day > 60
    birth = datetime.date(int(value[0:4]), int(value[4:6]), day - 60 if coordination else day)  # ValueError
    return value, birth, coordination


class _Row:
    """One row's trimmed values by column name, collecting problems."""

    __slots__ = ("errors", "num", "values")

    def __init__(self, num: int, values: dict[str, str], errors: IssueList) -> None:
        self.num, self.values, self.errors = num, values, errors

    def check_controls(self) -> None:
        """Control characters are refused in every value (stored text must be printable; issue 9)."""
        for column, value in self.values.items():
            if _has_control(value):
                self.error(column, _("The value contains a control character (an invisible special character, "
                                     "e.g. NUL or a line break). Remove it and import the file again."))
                self.values[column] = CONTROL_CHARACTERS.sub("", value)

    def check_lengths(self, limits: list[tuple[str, int]]) -> None:
        values = self.values
        for column, limit in limits:
            if len(values[column]) > limit:
                self.error(column, _("The value is too long (at most %(n)s characters).") % {"n": limit})
                values[column] = values[column][:limit]

    def text(self, column: str) -> str:
        return self.values[column]

    def error(self, column: str, problem: str) -> None:
        self.errors.append(issue(self.num, column, problem))

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.error(column, _("A value is required."))
        return value

    def date(self, column: str, required: bool = False) -> datetime.date | None:
        value = self.required(column) if required else self.text(column)
        if not value:
            return None
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(column, _("“%(value)s” is not a valid date (YYYY-MM-DD).") % {"value": value[:20]})
        return None

    def identity(self) -> tuple[str, datetime.date, bool] | None:
        value = self.required("personnummer")
        if not value:
            return None
        try:
            fast = _fast_identity(value)
            if fast is not None:
                return fast
            ident = parse_identity(value)
        except ValueError as exc:
            if str(exc) == "format":
                self.error("personnummer", _("Not a personal identity number (12 digits, or 10 with - or +)."))
            else:
                self.error("personnummer", _("Invalid personal identity number (wrong check digit or date)."))
            return None
        return ident.number, ident.birth_date, ident.is_coordination_number


def _records(table: Table, index: dict[str, int], columns: tuple[str, ...]):
    """(row number, trimmed values in ``columns`` order) for every row; absent columns and cells read as empty."""
    width = len(table.header)
    getter = itemgetter(*(index.get(c, width) for c in columns))
    for num, cells in table.each_row():
        if len(cells) == width:
            cells.append("")  # the cell every absent column reads
        else:
            cells = cells[:width] + [""] * (width + 1 - min(len(cells), width))
        yield num, tuple(map(str.strip, getter(cells)))


def _date(value: str) -> datetime.date | None:
    """An optional ISO date as the slow path accepts it; ValueError otherwise."""
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return datetime.date.fromisoformat(value)
    raise ValueError(value)


# Each kind of row is read twice over: a fast path that accepts only rows it is sure are valid, and the
# detailed path (``_Row``) that names every problem of a row. A row the fast path does not accept goes
# through the detailed path, which decides; so the fast path can only be stricter, never more lenient.

def _population_fast(num: int, v: tuple) -> PopulationRow | None:
    (pnr, given, family, code, registered, address, postal, city, phone, email, skydd, immigration, status,
     status_date, name1, phone1, name2, phone2) = v
    if (not given or not family or len(given) > 100 or len(family) > 100 or len(address) > 200
            or len(postal) > 10 or len(city) > 100 or len(phone) > 40 or len(email) > 254 or len(name1) > 200
            or len(name2) > 200 or len(phone1) > 40 or len(phone2) > 40
            or len(code) != 4 or not (code.isascii() and code.isdigit())):
        return None
    protection, state = PROTECTION_VALUES.get(skydd.lower()), STATUS_VALUES.get(status.lower())
    if protection is None or state is None:
        return None
    try:
        ident = _fast_identity(pnr)
        if ident is None:
            return None
        dates = _date(registered), _date(immigration), _date(status_date)
    except ValueError:
        return None
    guardians = tuple((name, tel) for name, tel in ((name1, phone1), (name2, phone2)) if name)
    return PopulationRow(num, ident[0], ident[1], ident[2], given, family, code, dates[0], address, postal, city,
                         phone, email, protection, dates[1], state, dates[2], guardians)


def _school_fast(num: int, v: tuple) -> SchoolRow | None:
    (pnr, skolform, program, arskurs, unit_code, unit_name, motsvarande, start, end, interruption, resultat,
     result_date, given, family, skydd, _status, avbruten, code) = v
    school_type, programme = skolform.upper(), program.upper()
    if (school_type not in SCHOOL_TYPES or len(programme) > 12 or len(unit_code) > 16 or len(unit_name) > 200
            or len(given) > 100 or len(family) > 100
            or (school_type == "GY" and not programme and not YES_NO.get(motsvarande.lower()))):
        return None
    equivalent, result = YES_NO.get(motsvarande.lower()), resultat.lower()
    if equivalent is None or result not in RESULTS:
        return None
    if arskurs:
        if not (arskurs.isascii() and arskurs.isdigit()) or int(arskurs) > 13:
            return None
        year = int(arskurs)
    elif school_type in COMPULSORY_SCHOOL_TYPES:
        return None
    else:
        year = None
    try:
        ident = _fast_identity(pnr)
        if ident is None or not start:
            return None
        dates = _date(start), _date(end), _date(interruption), _date(result_date)
    except ValueError:
        return None
    return SchoolRow(num, ident[0], ident[1], ident[2], school_type, programme, year, unit_code, unit_name,
                     equivalent, dates[0], dates[1], dates[2], result, dates[3],
                     YES_NO.get(avbruten.lower(), False), source_key(school_type, unit_code, programme, dates[0]),
                     given, family, PROTECTION_VALUES.get(skydd.lower(), ""), code)


def _columns(table: Table, known: tuple[str, ...], required: tuple[str, ...]) -> tuple[dict[str, int], list]:
    """Column positions; missing required columns are errors, unknown ones warnings."""
    index: dict[str, int] = {}
    for at, name in enumerate(table.header):
        if not name:
            continue
        if _has_control(name):
            table.errors.append(issue(1, name, _("The column name contains a control character (an invisible "
                                                 "special character). Remove it and import the file again.")))
            continue
        if name in index:
            table.errors.append(issue(1, name, _("The column appears more than once.")))
        elif name not in known:
            table.warnings.append(issue(1, name, _("Unknown column, ignored.")))
        index.setdefault(name, at)
    missing = [name for name in required if name not in index]
    for name in missing:
        table.errors.append(issue(1, name, _("Required column missing.")))
    if missing and len(table.header) == 1 and any(sep in table.header[0] for sep in ";,\t|"):
        table.errors.insert(0, issue(1, "", _(
            "Wrong separator: columns must be separated by semicolon (;) or comma (,).")))
    return index, missing


def population_rows(table: Table) -> list[PopulationRow]:
    """Typed population rows; problems go to ``table.errors`` (the caller then writes nothing)."""
    index, missing = _columns(table, POPULATION_COLUMNS, POPULATION_REQUIRED)
    if missing:
        return []
    out: list[PopulationRow] = []
    seen: dict[str, int] = {}
    limits = [(c, n) for c, n in MAX_LENGTH.items() if c in POPULATION_COLUMNS]
    errors = table.errors
    for num, cells in _records(table, index, POPULATION_COLUMNS):
        fast = None if _has_control("".join(cells)) else _population_fast(num, cells)
        if fast is not None and seen.setdefault(fast.personnummer, num) == num:
            out.append(fast)
            continue
        values = dict(zip(POPULATION_COLUMNS, cells, strict=True))
        r = _Row(num, values, errors)
        before = errors.total
        r.check_controls()
        r.check_lengths(limits)
        ident = r.identity()
        given, family = r.required("fornamn"), r.required("efternamn")
        code = r.required("kommunkod")
        if code and (len(code) != 4 or not (code.isascii() and code.isdigit())):
            r.error("kommunkod", _("“%(value)s” is not a municipality code (4 digits).") % {"value": code[:10]})
        skydd = values["skydd"].lower()
        if skydd not in PROTECTION_VALUES:
            r.error("skydd", _("Unknown value “%(value)s” (allowed: empty, sekretessmarkering, "
                               "skyddad_folkbokforing).") % {"value": skydd[:30]})
        status = values["status"].lower()
        if status not in STATUS_VALUES:
            r.error("status", _("Unknown value “%(value)s” (allowed: empty, normal, utflyttad, utvandrad, "
                                "avliden).") % {"value": status[:30]})
        registered_from, immigration = r.date("folkbokford_datum"), r.date("invandringsdatum")
        status_date = r.date("status_datum")
        guardians = tuple((name, values[f"vardnadshavare{i}_telefon"]) for i in (1, 2)
                          if (name := values[f"vardnadshavare{i}_namn"]))
        if ident is not None:
            first = seen.setdefault(ident[0], num)
            if first != num:
                r.error("personnummer", _("The same person is already on row %(row)s.") % {"row": first})
        if errors.total != before or ident is None:
            continue
        out.append(PopulationRow(
            num, ident[0], ident[1], ident[2], given, family, code, registered_from, values["adress"],
            values["postnummer"], values["postort"], values["telefon"], values["epost"], PROTECTION_VALUES[skydd],
            immigration, STATUS_VALUES[status], status_date, guardians))
    return out


def school_rows(table: Table) -> list[SchoolRow]:
    index, missing = _columns(table, SCHOOL_COLUMNS + SS12000_EXTRA, SCHOOL_REQUIRED)
    if missing:
        return []
    out: list[SchoolRow] = []
    seen: dict[tuple[str, str], int] = {}
    limits = [(c, n) for c, n in MAX_LENGTH.items() if c in SCHOOL_COLUMNS + SS12000_EXTRA]
    errors = table.errors
    for num, cells in _records(table, index, SCHOOL_COLUMNS + SS12000_EXTRA):
        fast = None if _has_control("".join(cells)) else _school_fast(num, cells)
        if fast is not None and seen.setdefault((fast.personnummer, fast.source_key), num) == num:
            out.append(fast)
            continue
        values = dict(zip(SCHOOL_COLUMNS + SS12000_EXTRA, cells, strict=True))
        r = _Row(num, values, errors)
        before = errors.total
        r.check_controls()
        r.check_lengths(limits)
        ident = r.identity()
        school_type = r.required("skolform").upper()
        if school_type and school_type not in SCHOOL_TYPES:
            r.error("skolform", _("Unknown school type “%(value)s”.") % {"value": school_type[:10]})
        programme = values["program"].upper()
        # Equivalent education (motsvarande = ja) has no Swedish programme code.
        if school_type == "GY" and not programme and not YES_NO.get(values["motsvarande"].lower()):
            r.error("program", _("A programme is required for upper-secondary school (GY)."))
        year_text = values["arskurs"]
        year = None
        if year_text:
            if year_text.isascii() and year_text.isdigit() and int(year_text) <= 13:
                year = int(year_text)
            else:
                r.error("arskurs", _("“%(value)s” is not a school year (0–13).") % {"value": year_text[:10]})
        elif school_type in COMPULSORY_SCHOOL_TYPES:
            r.error("arskurs", _("A school year is required for %(type)s.") % {"type": school_type})
        equivalent_text = values["motsvarande"].lower()
        if equivalent_text not in YES_NO:
            r.error("motsvarande",
                    _("Unknown value “%(value)s” (allowed: empty, ja).") % {"value": equivalent_text[:10]})
        result = values["resultat"].lower()
        if result not in RESULTS:
            r.error("resultat", _("Unknown result “%(value)s”.") % {"value": result[:30]})
        start = r.date("startdatum", required=True)
        end, interruption, result_date = r.date("slutdatum"), r.date("avbrott_datum"), r.date("resultat_datum")
        unit_code = values["skolenhetskod"]
        key = ""
        if ident is not None and start is not None:
            key = source_key(school_type, unit_code, programme, start)
            first = seen.setdefault((ident[0], key), num)
            if first != num:
                r.error("personnummer", _("The same enrolment is already on row %(row)s.") % {"row": first})
        skydd = values["skydd"].lower()
        if errors.total != before or ident is None or start is None:
            continue
        out.append(SchoolRow(
            num, ident[0], ident[1], ident[2], school_type, programme, year, unit_code, values["skolenhet"],
            YES_NO[equivalent_text], start, end, interruption, result, result_date,
            YES_NO.get(values["avbruten"].lower(), False), key, values["fornamn"], values["efternamn"],
            PROTECTION_VALUES.get(skydd, ""), values["kommunkod"]))
    return out
