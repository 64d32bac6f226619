"""Property tests of the target-group rules (Hypothesis): invariants that must hold for any facts."""

import dataclasses
import datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kaa.register.rules import EnrolmentFacts, Facts, birthday, decide, next_change_date

D = datetime.date
HOME = "0480"
DAY = datetime.timedelta(days=1)

dates = st.dates(min_value=D(2014, 1, 1), max_value=D(2032, 12, 31))
optional_dates = st.one_of(st.none(), dates)


@st.composite
def enrolments(draw) -> EnrolmentFacts:
    school_type = draw(st.sampled_from(["GR", "GRS", "SP", "SAM", "GY", "GY", "GY", "GYS", "VUX", "FHS"]))
    start = draw(dates)
    after = st.one_of(st.none(), st.dates(min_value=start, max_value=D(2033, 6, 30)))
    result = draw(st.sampled_from(["", "", "gymnasieexamen", "gymnasiesarskolebevis", "studiebevis", "slutbetyg"]))
    return EnrolmentFacts(
        school_type=school_type, start_date=start,
        programme=draw(st.sampled_from(["NA", "EK", "BA", "IMA", "IMV", ""])) if school_type == "GY" else "",
        school_year=draw(st.sampled_from([7, 8, 9, 10])) if school_type in ("GR", "GRS", "SP", "SAM") else None,
        equivalent=draw(st.booleans()) and draw(st.booleans()),
        end_date=draw(after), interruption_date=draw(after), result=result,
        result_date=draw(st.dates(min_value=start, max_value=D(2033, 6, 30))) if result else None,
        cancelled=draw(st.integers(0, 9)) == 0,
    )


@st.composite
def all_facts(draw) -> Facts:
    status = draw(st.sampled_from(["normal", "normal", "normal", "utflyttad", "utvandrad", "avliden",
                                   "avregistrerad"]))
    return Facts(
        birth_date=draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2013, 12, 31))),
        home_code=HOME,
        in_population=draw(st.integers(0, 9)) > 0,
        municipality_code=draw(st.sampled_from([HOME, HOME, HOME, "", "0580"])),
        registered_from=draw(st.one_of(st.none(), st.none(), dates)),
        immigration_date=draw(st.one_of(st.none(), st.none(), dates)),
        population_status=status,
        population_status_date=draw(dates) if status != "normal" else None,
        enrolments=tuple(draw(st.lists(enrolments(), max_size=4))),
        summer_gap=draw(st.sampled_from([(9, 1), (8, 20), (10, 1)])),
        wait_for_degree_check=draw(st.booleans()),
        degree_checked_on=draw(optional_dates),
        extended_responsibility=draw(st.booleans()),
    )


@given(all_facts(), dates)
def test_nobody_aged_20_or_more_is_in(facts, on):
    assume(on >= birthday(facts.birth_date, 20))
    assert not decide(facts, on).in_target_group


@given(all_facts(), dates)
def test_a_running_national_programme_always_means_out(facts, on):
    national = EnrolmentFacts(school_type="GY", programme="NA", start_date=on - 30 * DAY)
    facts = dataclasses.replace(facts, enrolments=(*facts.enrolments, national))
    assert not decide(facts, on).in_target_group


@st.composite
def resident_youth(draw) -> tuple[Facts, datetime.date]:
    """A folkbokförd 16–19-year-old and a day: mostly in the target group."""
    facts = dataclasses.replace(draw(all_facts()), in_population=True, municipality_code=HOME,
                                population_status="normal", population_status_date=None,
                                registered_from=None, immigration_date=None, wait_for_degree_check=False,
                                enrolments=tuple(draw(st.lists(enrolments(), max_size=2))))
    on = facts.birth_date + datetime.timedelta(days=draw(st.integers(17 * 365, 20 * 365 - 2)))
    return facts, on


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(resident_youth(), st.data())
def test_a_studiebevis_never_takes_anyone_out(youth, data):
    facts, on = youth
    before = decide(facts, on)
    assume(before.in_target_group)
    upper = [i for i, e in enumerate(facts.enrolments)
             if e.school_type in ("GY", "GYS", "VUX", "FHS") and not e.result]
    changed = list(facts.enrolments)
    if upper and data.draw(st.booleans()):
        i = data.draw(st.sampled_from(upper))
        day = data.draw(st.dates(min_value=changed[i].start_date, max_value=D(2033, 6, 30)))
        changed[i] = dataclasses.replace(changed[i], result="studiebevis", result_date=day)
    else:
        start = data.draw(dates)
        changed.append(EnrolmentFacts(school_type=data.draw(st.sampled_from(["VUX", "FHS"])), start_date=start,
                                      end_date=start + 90 * DAY, result="studiebevis",
                                      result_date=start + 90 * DAY))
    assert decide(dataclasses.replace(facts, enrolments=tuple(changed)), on).in_target_group


def _later(data, on: datetime.date) -> datetime.date:
    return data.draw(st.dates(min_value=on + DAY, max_value=on + 4000 * DAY))


def _future_enrolment_change(e: EnrolmentFacts, on: datetime.date, data) -> EnrolmentFacts:
    """Change only what is dated after ``on``: later interruptions, results, end dates."""
    changes = {}
    if e.interruption_date is None or e.interruption_date > on:
        changes["interruption_date"] = data.draw(st.one_of(st.none(), st.just(_later(data, on))))
    if e.result and e.result_date and e.result_date > on:
        changes["result_date"] = _later(data, on)
        changes["result"] = data.draw(st.sampled_from(["gymnasieexamen", "studiebevis", "slutbetyg"]))
    if not e.result and data.draw(st.booleans()):
        changes["result"] = data.draw(st.sampled_from(["gymnasieexamen", "gymnasiesarskolebevis", "studiebevis",
                                                       "slutbetyg"]))
        changes["result_date"] = _later(data, on)
    if e.end_date is not None and e.end_date >= on:
        changes["end_date"] = data.draw(st.dates(min_value=on, max_value=on + 4000 * DAY))
    return dataclasses.replace(e, **changes)


any_case = st.one_of(resident_youth(), st.tuples(all_facts(), dates))


@settings(max_examples=400)
@given(any_case, st.data())
def test_the_decision_for_a_day_never_depends_on_facts_dated_after_it(case, data):
    facts, on = case
    before = decide(facts, on)
    enrolments = [e if e.start_date <= on else None for e in facts.enrolments]
    changed = [_future_enrolment_change(e, on, data) for e in enrolments if e is not None]
    for _ in range(data.draw(st.integers(0, 2))):  # enrolments that start after the day
        start = _later(data, on)
        changed.append(EnrolmentFacts(school_type=data.draw(st.sampled_from(["GR", "GY", "GYS"])),
                                      programme=data.draw(st.sampled_from(["NA", "IMA"])), school_year=9,
                                      start_date=start, result="gymnasieexamen", result_date=start))
    changes = {"enrolments": tuple(changed)}
    if facts.population_status == "normal" or (facts.population_status_date or on) > on:
        changes["population_status"] = data.draw(st.sampled_from(["normal", "utflyttad", "avliden", "utvandrad"]))
        changes["population_status_date"] = _later(data, on)
    if facts.degree_checked_on is None or facts.degree_checked_on > on:
        changes["degree_checked_on"] = data.draw(st.one_of(st.none(), st.just(_later(data, on))))
    after = decide(dataclasses.replace(facts, **changes), on)
    assert after == before


@settings(max_examples=200)
@given(any_case)
def test_since_is_the_start_of_an_unbroken_stretch(case):
    facts, on = case
    """Every day from ``since`` to ``on`` has the same status and reason: daily runs agree with one run."""
    decision = decide(facts, on)
    assert decision.since <= on
    span = (on - decision.since).days
    for offset in sorted({0, 1, span // 3, span // 2, span - 1, span} - {-1}):
        if 0 <= offset <= span:
            day = decision.since + offset * DAY
            other = decide(facts, day)
            assert (other.in_target_group, other.reason) == (decision.in_target_group, decision.reason), day


@settings(max_examples=200)
@given(any_case, st.data())
def test_nothing_changes_before_the_next_change_date(case, data):
    facts, on = case
    decision = decide(facts, on)
    nxt = next_change_date(facts, on, decision) or on + 3000 * DAY
    assume(nxt - on > DAY)
    days = {nxt - DAY, data.draw(st.dates(min_value=on + DAY, max_value=nxt - DAY))}
    for day in days:
        other = decide(facts, day)
        assert (other.in_target_group, other.reason) == (decision.in_target_group, decision.reason), day
