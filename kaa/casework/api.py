"""API: case work (INTERFACES.md "Case work"): occupations, measures, journal, consents.

Every endpoint answers 404 for a youth outside the caller's scope, 422 with the error format for bad
input, 403 for a write the caller's role may not do; every call is audited like the UI.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from kaa.audit.services import audit_youth_view

from . import selectors, services
from .models import Consent, JournalKind, Measure, Source

youth_router = Router(tags=["case work"])
measure_router = Router(tags=["case work"])
consent_router = Router(tags=["case work"])


def _invalid(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError in the API's error format (field, message)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return ValidationError([
        {"loc": ["body", "payload"] + ([field] if field != "__all__" else []), "msg": " ".join(map(str, messages))}
        for field, messages in errors.items()
    ])


class Created(Schema):
    id: int


# --- Occupations ---------------------------------------------------------------------------------

class OccupationIn(Schema):
    code: str = Field(description="An occupation code of DOMAIN.md §10, e.g. `komvux`.")
    from_: datetime.date = Field(alias="from", description="The day the occupation began.")


class OccupationOut(Schema):
    id: int
    code: str
    from_: datetime.date = Field(alias="from")
    to: datetime.date | None = Field(description="The next entry's date; null for the current occupation.")


class OccupationList(Schema):
    items: list[OccupationOut]


@youth_router.post("/{youth_id}/occupations", response={201: Created}, summary="Record an occupation")
def create_occupation(request: HttpRequest, youth_id: int, payload: OccupationIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    try:
        occupation = services.occupation_record(youth=youth, user=request.user, code=payload.code,
                                                start=payload.from_, source=Source.API)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": occupation.pk})


@youth_router.get("/{youth_id}/occupations", response=OccupationList, by_alias=True,
                  summary="The youth's occupation history")
def list_occupations(request: HttpRequest, youth_id: int) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth, detail="occupations")
    return {"items": [{"id": s.id, "code": s.code, "from": s.start, "to": s.to}
                      for s in selectors.occupation_history(youth=youth)]}


# --- Measures ------------------------------------------------------------------------------------

class MeasureIn(Schema):
    code: str = Field("", description="A measure code of DOMAIN.md §10; may be empty with an `activity`.")
    start: datetime.date
    end: datetime.date | None = None
    declined: bool = Field(False, description="Offered on `start` and turned down.")
    responsible: Literal["municipality", "youth", "other"] = "municipality"
    responsible_other: str = Field("", description="The other actor, when `responsible` is `other`.")
    goal: str = ""
    place: str = ""
    activity: int | None = Field(None, description="An activity-bank id of the youth's municipality.")
    other_which: str = Field("", description="Which measure, for `annan_atgard`.")
    follow_up_on: datetime.date | None = None
    evaluate_on: datetime.date | None = None


class MeasureOut(Schema):
    id: int
    code: str
    start: datetime.date
    end: datetime.date | None
    declined: bool
    responsible: str
    end_reason: str = ""
    waiting: bool = False


class MeasureList(Schema):
    items: list[MeasureOut]


class EvaluationIn(Schema):
    kind: Literal["follow_up", "during", "after"] | None = None
    date: datetime.date | None = None
    happened: Literal["yes", "partly", "no", ""] = ""
    how_it_went: str = ""
    youth_view: str = ""
    next_step: str = ""


class MeasurePatch(Schema):
    end: datetime.date | None = None
    end_reason: str | None = Field(None, description="An end-reason code of DOMAIN.md §10.")
    evaluation: EvaluationIn | str | None = Field(
        None, description="An evaluation of the measure: its text, or an object with its parts.")


def _measure_out(m: Measure) -> dict:
    return {"id": m.pk, "code": m.code, "start": m.start, "end": m.end, "declined": m.declined,
            "responsible": m.responsible, "end_reason": m.end_reason, "waiting": m.waiting}


@youth_router.post("/{youth_id}/measures", response={201: Created}, summary="Add a measure to the action plan")
def create_measure(request: HttpRequest, youth_id: int, payload: MeasureIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    activity = None
    if payload.activity is not None:
        activity = selectors.activity_choices(youth=youth).filter(pk=payload.activity).first()
        if activity is None:
            raise ValidationError([{"loc": ["body", "payload", "activity"],
                                    "msg": "No active activity with this id in the youth's municipality."}])
    try:
        measure = services.measure_add(
            youth=youth, user=request.user, code=payload.code, start=payload.start, end=payload.end,
            declined=payload.declined, responsible=payload.responsible, responsible_other=payload.responsible_other,
            goal=payload.goal, place=payload.place, activity=activity, other_which=payload.other_which,
            follow_up_on=payload.follow_up_on, evaluate_on=payload.evaluate_on)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": measure.pk})


@youth_router.get("/{youth_id}/measures", response=MeasureList, summary="The measures of the youth's plan")
def list_measures(request: HttpRequest, youth_id: int) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    audit_youth_view(user=request.user, youth=youth, detail="measures")
    return {"items": [_measure_out(m) for m in Measure.objects.filter(youth=youth).order_by("start", "pk")]}


@measure_router.patch("/{measure_id}", response=MeasureOut, summary="End or evaluate a measure")
def update_measure(request: HttpRequest, measure_id: int, payload: MeasurePatch) -> dict:
    measure = selectors.measure_for_api(user=request.user, pk=measure_id)
    given = payload.model_fields_set
    changes = {}
    if "end" in given:
        changes["end"] = payload.end
    if "end_reason" in given:
        changes["end_reason"] = payload.end_reason or ""
    try:
        if changes:
            measure = services.measure_update(measure=measure, user=request.user, **changes)
        if payload.evaluation is not None:
            evaluation = payload.evaluation
            if isinstance(evaluation, str):
                services.measure_evaluate(measure=measure, user=request.user, how_it_went=evaluation)
            else:
                services.measure_evaluate(measure=measure, user=request.user, kind=evaluation.kind or "",
                                          on=evaluation.date, happened=evaluation.happened,
                                          how_it_went=evaluation.how_it_went, youth_view=evaluation.youth_view,
                                          next_step=evaluation.next_step)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return _measure_out(measure)


# --- Journal -------------------------------------------------------------------------------------

class JournalIn(Schema):
    text: str
    confidential: bool = Field(False, description="Health or social services: shown only to those with the grant.")
    kind: Literal["meeting", "phone", "network", "note"] = JournalKind.NOTE
    date: datetime.date | None = Field(None, description="The day it happened; today by default.")
    corrects: int | None = Field(None, description="The id of the entry this one corrects.")
    allow_personnummer: bool = Field(
        False, description="The text holds something written like a personnummer that is not one.")


class JournalOut(Schema):
    id: int
    date: datetime.date
    kind: str
    text: str
    confidential: bool
    corrects: int | None
    author: str


class JournalList(Schema):
    items: list[JournalOut]


@youth_router.post("/{youth_id}/journal", response={201: Created}, summary="Write a journal entry")
def create_journal_entry(request: HttpRequest, youth_id: int, payload: JournalIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    corrects = None
    if payload.corrects is not None:
        corrects = selectors.journal_for(user=request.user, youth=youth).filter(pk=payload.corrects).first()
        if corrects is None:
            raise ValidationError([{"loc": ["body", "payload", "corrects"], "msg": "No such entry of this youth."}])
    try:
        entry = services.journal_add(youth=youth, user=request.user, text=payload.text, kind=payload.kind,
                                     occurred_on=payload.date, confidential=payload.confidential, corrects=corrects,
                                     allow_personnummer=payload.allow_personnummer)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": entry.pk})


@youth_router.get("/{youth_id}/journal", response=JournalList,
                  summary="The journal entries the caller may read (confidential ones only with the grant)")
def list_journal(request: HttpRequest, youth_id: int) -> dict:
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    entries = list(selectors.journal_for(user=request.user, youth=youth))
    audit_youth_view(user=request.user, youth=youth,
                     detail="journal+confidential" if any(e.confidential for e in entries) else "journal")
    return {"items": [{"id": e.pk, "date": e.occurred_on, "kind": e.kind, "text": e.text,
                       "confidential": e.confidential, "corrects": e.corrects_id,
                       "author": str(e.author) if e.author else ""} for e in entries]}


# --- Consents ------------------------------------------------------------------------------------

class ConsentIn(Schema):
    partner: str = Field(description="A partner's name or another municipality's SCB code.")
    purpose: str
    from_: datetime.date = Field(alias="from")
    until: datetime.date | None = None
    given_by: Literal["youth", "guardian"] = "youth"


class ConsentOut(Schema):
    id: int
    partner: str
    purpose: str
    from_: datetime.date = Field(alias="from")
    until: datetime.date | None
    given_by: str
    withdrawn_on: datetime.date | None


def _consent_out(c: Consent) -> dict:
    return {"id": c.pk, "partner": c.partner, "purpose": c.purpose, "from": c.valid_from, "until": c.valid_until,
            "given_by": c.given_by, "withdrawn_on": c.withdrawn_on}


@youth_router.post("/{youth_id}/consents", response={201: Created}, summary="Record a consent")
def create_consent(request: HttpRequest, youth_id: int, payload: ConsentIn):
    youth = selectors.case_youth(user=request.user, pk=youth_id)
    try:
        consent = services.consent_record(youth=youth, user=request.user, partner=payload.partner,
                                          purpose=payload.purpose, valid_from=payload.from_,
                                          valid_until=payload.until, given_by=payload.given_by)
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, {"id": consent.pk})


@consent_router.post("/{consent_id}/withdraw", response=ConsentOut, by_alias=True, summary="Withdraw a consent")
def withdraw_consent(request: HttpRequest, consent_id: int) -> dict:
    consent = selectors.consent_for_api(user=request.user, pk=consent_id)
    consent = services.consent_withdraw(consent=consent, user=request.user)
    return _consent_out(consent)
