"""API: case work (INTERFACES.md "Case work"): occupations, measures, journal, consents.

Every endpoint answers 404 for a youth outside the caller's scope, 422 with the error format for bad
input (the field named), 403 for a write the caller's role may not do; every call is audited like the UI.
The shared rules of kaa/core/api.py apply: every operation declares the error answers, ids are bounded,
texts carry no control characters and dates lie within 2000-2099.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.params import P
from pydantic import AfterValidator, BeforeValidator, TypeAdapter
from pydantic_core import PydanticCustomError

from kaa.audit.services import audit_youth_view
from kaa.core.api import MAX_ID, ErrorOut, YouthId, line, text, with_errors

from . import selectors, services
from .models import Consent, EvaluationKind, GivenBy, JournalKind, Measure, Responsible, Source

youth_router = Router(tags=["case work"])
measure_router = Router(tags=["case work"])
consent_router = Router(tags=["case work"])

MeasureId = Path[int, P(ge=1, le=MAX_ID, description="The measure's id.")]
ConsentId = Path[int, P(ge=1, le=MAX_ID, description="The consent's id.")]

# A day given to the API lies within 2000-2099, like a time (kaa.core.api.Moment): far-off years
# overflow in date arithmetic. Whether a day may lie in the future is the service's rule.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


def _day_in_range(value: datetime.date) -> datetime.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError("date_range", str(_("Give a date between the years 2000 and 2099.")))
    return value


Day = Annotated[datetime.date, AfterValidator(_day_in_range)]
# Codes are rows of the code table (DOMAIN.md §10), data rather than constants: the service checks them
# and answers 422 naming the field.
Code = line(40, description="A code of the code table (DOMAIN.md §10).")
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Line200 = line(200)
Line300 = line(300)
LongText = text(services.TEXT_LIMIT)

# A write the caller's role may not do answers 403, besides the shared error answers.
FORBIDDEN = {403: ErrorOut}


def _invalid(exc: DjangoValidationError, names: dict[str, str] | None = None,
             under: str | None = None) -> ValidationError:
    """A service's ValidationError in the API's error format, its fields named as the API names them
    (``names``: the service's name → the API's), below ``under`` for a nested object."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    prefix = [under] if under else []
    items = []
    for field, messages in errors.items():
        name = (names or {}).get(field, field)
        loc = ["body", "payload", *prefix] + ([name] if field != "__all__" else [])
        items.append({"loc": loc, "msg": " ".join(map(str, messages))})
    return ValidationError(items)


class Created(Schema):
    id: int


# --- Occupations ---------------------------------------------------------------------------------

class OccupationIn(Schema):
    code: Code = Field(description="An occupation code of DOMAIN.md §10, e.g. `komvux`.")
    from_: Day = Field(alias="from", description="The day the occupation began.")


class OccupationOut(Schema):
    id: int
    code: str
    from_: datetime.date = Field(alias="from")
    to: datetime.date | None = Field(description="The next entry's date; null for the current occupation.")


class OccupationList(Schema):
    items: list[OccupationOut]


@youth_router.post("/{youth_id}/occupations", response=with_errors({201: Created, **FORBIDDEN}),
                   summary="Record an occupation")
def create_occupation(request: HttpRequest, youth_id: YouthId, payload: OccupationIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    try:
        occupation = services.occupation_record(youth=youth, user=request.user, code=payload.code,
                                                start=payload.from_, source=Source.API)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": occupation.pk})


@youth_router.get("/{youth_id}/occupations", response=with_errors({200: OccupationList}), by_alias=True,
                  summary="The youth's occupation history")
def list_occupations(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth, detail="occupations")
    return {"items": [{"id": s.id, "code": s.code, "from": s.start, "to": s.to}
                      for s in selectors.occupation_history(youth=youth)]}


# --- Measures ------------------------------------------------------------------------------------

class MeasureIn(Schema):
    code: Code = Field("", description="A measure code of DOMAIN.md §10; may be empty with an `activity`.")
    start: Day
    end: Day | None = None
    declined: bool = Field(False, description="Offered on `start` and turned down.")
    responsible: Responsible = Responsible.MUNICIPALITY
    responsible_other: Line200 = Field("", description="The other actor, when `responsible` is `other`.")
    goal: LongText = ""
    place: Line200 = ""
    activity: RecordId | None = Field(None, description="An activity-bank id of the youth's municipality.")
    other_which: Line200 = Field("", description="Which measure, for `annan_atgard`.")
    follow_up_on: Day | None = None
    evaluate_on: Day | None = None


class MeasureOut(Schema):
    id: int
    code: str
    start: datetime.date
    end: datetime.date | None
    declined: bool
    responsible: Responsible
    end_reason: str = ""
    waiting: bool = False


class MeasureList(Schema):
    items: list[MeasureOut]


class EvaluationIn(Schema):
    kind: EvaluationKind | None = None
    date: Day | None = None
    happened: Literal["yes", "partly", "no", ""] = ""
    how_it_went: LongText = ""
    youth_view: LongText = ""
    next_step: LongText = ""


def _text_or_parts(value: Any) -> Any:
    """An evaluation given as a text is its `how_it_went` (one shape to validate, so that an error names
    `evaluation.<part>` rather than each alternative of a union)."""
    return {"how_it_went": value} if isinstance(value, str) else value


def _document_text_form(schema: dict[str, Any]) -> None:
    schema["anyOf"].insert(0, TypeAdapter(LongText).json_schema())


class MeasurePatch(Schema):
    end: Day | None = None
    end_reason: Code | None = Field(None, description="An end-reason code of DOMAIN.md §10.")
    evaluation: Annotated[EvaluationIn | None, BeforeValidator(_text_or_parts)] = Field(
        None, description="An evaluation of the measure: its text (what `how_it_went` holds), or an object with "
                          "its parts.", json_schema_extra=_document_text_form)


def _measure_out(m: Measure) -> dict:
    return {"id": m.pk, "code": m.code, "start": m.start, "end": m.end, "declined": m.declined,
            "responsible": m.responsible, "end_reason": m.end_reason, "waiting": m.waiting}


@youth_router.post("/{youth_id}/measures", response=with_errors({201: Created, **FORBIDDEN}),
                   summary="Add a measure to the action plan")
def create_measure(request: HttpRequest, youth_id: YouthId, payload: MeasureIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    activity = None
    if payload.activity is not None:
        activity = selectors.activity_choices(youth=youth).filter(pk=payload.activity).first()
        if activity is None:
            raise ValidationError([{"loc": ["body", "payload", "activity"],
                                    "msg": str(_("No active activity with this id in the youth's municipality."))}])
    try:
        measure = services.measure_add(
            youth=youth, user=request.user, code=payload.code, start=payload.start, end=payload.end,
            declined=payload.declined, responsible=payload.responsible, responsible_other=payload.responsible_other,
            goal=payload.goal, place=payload.place, activity=activity, other_which=payload.other_which,
            follow_up_on=payload.follow_up_on, evaluate_on=payload.evaluate_on)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": measure.pk})


@youth_router.get("/{youth_id}/measures", response=with_errors({200: MeasureList}),
                  summary="The measures of the youth's plan")
def list_measures(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth, detail="measures")
    return {"items": [_measure_out(m) for m in Measure.objects.filter(youth=youth).order_by("start", "pk")]}


@measure_router.patch("/{measure_id}", response=with_errors({200: MeasureOut, **FORBIDDEN}),
                      summary="End or evaluate a measure")
def update_measure(request: HttpRequest, measure_id: MeasureId, payload: MeasurePatch) -> dict:
    measure = selectors.measure_for_api(user=request.user, pk=measure_id)
    given = payload.model_fields_set
    changes = {}
    if "end" in given:
        changes["end"] = payload.end
    if "end_reason" in given:
        changes["end_reason"] = payload.end_reason or ""
    evaluation = payload.evaluation
    in_evaluation = False
    try:
        with transaction.atomic():  # the change and the evaluation together, or neither
            if changes:
                measure = services.measure_update(measure=measure, user=request.user, **changes)
            in_evaluation = True
            if evaluation is not None:
                services.measure_evaluate(measure=measure, user=request.user, kind=evaluation.kind or "",
                                          on=evaluation.date, happened=evaluation.happened,
                                          how_it_went=evaluation.how_it_went, youth_view=evaluation.youth_view,
                                          next_step=evaluation.next_step)
    except DjangoValidationError as exc:
        if not in_evaluation:
            raise _invalid(exc) from exc
        raise _invalid(exc, {"on": "date"}, under="evaluation") from exc
    return _measure_out(measure)


# --- Journal -------------------------------------------------------------------------------------

class JournalIn(Schema):
    text: LongText
    confidential: bool = Field(False, description="Health or social services: shown only to those with the grant.")
    kind: JournalKind = JournalKind.NOTE
    date: Day | None = Field(None, description="The day it happened; today by default.")
    corrects: RecordId | None = Field(None, description="The id of the entry this one corrects.")
    allow_personnummer: bool = Field(
        False, description="The text holds something written like a personnummer that is not one.")


class JournalOut(Schema):
    id: int
    date: datetime.date
    kind: JournalKind
    text: str
    confidential: bool
    corrects: int | None
    author: str


class JournalList(Schema):
    items: list[JournalOut]


@youth_router.post("/{youth_id}/journal", response=with_errors({201: Created, **FORBIDDEN}),
                   summary="Write a journal entry")
def create_journal_entry(request: HttpRequest, youth_id: YouthId, payload: JournalIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    corrects = None
    if payload.corrects is not None:
        corrects = selectors.journal_for(user=request.user, youth=youth).filter(pk=payload.corrects).first()
        if corrects is None:
            raise ValidationError([{"loc": ["body", "payload", "corrects"],
                                    "msg": str(_("No such entry of this youth."))}])
    try:
        entry = services.journal_add(youth=youth, user=request.user, text=payload.text, kind=payload.kind,
                                     occurred_on=payload.date, confidential=payload.confidential, corrects=corrects,
                                     allow_personnummer=payload.allow_personnummer)
    except DjangoValidationError as exc:
        raise _invalid(exc, {"occurred_on": "date"}) from exc
    return Status(201, {"id": entry.pk})


@youth_router.get("/{youth_id}/journal", response=with_errors({200: JournalList}),
                  summary="The journal entries the caller may read (confidential ones only with the grant)")
def list_journal(request: HttpRequest, youth_id: YouthId) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    entries = list(selectors.journal_for(user=request.user, youth=youth))
    audit_youth_view(user=request.user, youth=youth,
                     detail="journal+confidential" if any(e.confidential for e in entries) else "journal")
    return {"items": [{"id": e.pk, "date": e.occurred_on, "kind": e.kind, "text": e.text,
                       "confidential": e.confidential, "corrects": e.corrects_id,
                       "author": str(e.author) if e.author else ""} for e in entries]}


# --- Consents ------------------------------------------------------------------------------------

class ConsentIn(Schema):
    partner: Line200 = Field(description="A partner's name or another municipality's SCB code.")
    purpose: Line300
    from_: Day = Field(alias="from")
    until: Day | None = None
    given_by: GivenBy = GivenBy.YOUTH


class ConsentOut(Schema):
    id: int
    partner: str
    purpose: str
    from_: datetime.date = Field(alias="from")
    until: datetime.date | None
    given_by: GivenBy
    withdrawn_on: datetime.date | None


def _consent_out(c: Consent) -> dict:
    return {"id": c.pk, "partner": c.partner, "purpose": c.purpose, "from": c.valid_from, "until": c.valid_until,
            "given_by": c.given_by, "withdrawn_on": c.withdrawn_on}


@youth_router.post("/{youth_id}/consents", response=with_errors({201: Created, **FORBIDDEN}),
                   summary="Record a consent")
def create_consent(request: HttpRequest, youth_id: YouthId, payload: ConsentIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    try:
        consent = services.consent_record(youth=youth, user=request.user, partner=payload.partner,
                                          purpose=payload.purpose, valid_from=payload.from_,
                                          valid_until=payload.until, given_by=payload.given_by)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": consent.pk})


@consent_router.post("/{consent_id}/withdraw", response=with_errors({200: ConsentOut, **FORBIDDEN}), by_alias=True,
                     summary="Withdraw a consent")
def withdraw_consent(request: HttpRequest, consent_id: ConsentId) -> dict:
    consent = selectors.consent_for_api(user=request.user, pk=consent_id)
    consent = services.consent_withdraw(consent=consent, user=request.user)
    return _consent_out(consent)
