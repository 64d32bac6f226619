"""Property tests of the deadline engine over arbitrary event orders."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kaa.outreach import deadlines as d
from kaa.outreach.models import Channel, Outcome
from tests.outreach.helpers import TZ, spec

START = datetime.datetime(2025, 9, 1, 0, 0, tzinfo=TZ)
CHAINS = {"almhult": spec("almhult"), "nykoping": spec("nykoping")}

moments = st.integers(min_value=0, max_value=200 * 24 * 60).map(lambda m: START + datetime.timedelta(minutes=m))
contacts = st.builds(
    lambda when, channel, outcome, guardian: d.Ev(d.CONTACT, when, {"channel": channel, "outcome": outcome,
                                                                     "to_guardian": guardian}),
    moments, st.sampled_from(Channel.values), st.sampled_from(Outcome.values), st.booleans())
others = st.builds(lambda kind, when: d.Ev(kind, when, {"step": "extend_outreach"} if kind == d.STEP_DONE else {}),
                   st.sampled_from([d.ASSIGNED, d.MEETING, d.STEP_DONE, d.REPLY, d.REPLY_HANDLED]), moments)
event_lists = st.lists(st.one_of(contacts, others), max_size=25)
births = st.dates(min_value=datetime.date(2006, 1, 1), max_value=datetime.date(2010, 1, 1))
presets = st.sampled_from(sorted(CHAINS))


def run(preset, events, birth):
    return d.compute(CHAINS[preset], [d.Ev(d.ENTERED, START, {}), *events], birth_date=birth)


@settings(max_examples=150, deadline=None)
@given(presets, event_lists, births)
def test_due_dates_never_before_chain_start(preset, events, birth):
    s = run(preset, events, birth)
    assert all(step.due is None or step.due >= s.start for step in s.steps)


@settings(max_examples=150, deadline=None)
@given(presets, event_lists, births, st.randoms(use_true_random=False))
def test_recording_order_does_not_matter(preset, events, birth, rnd):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert run(preset, events, birth) == run(preset, shuffled, birth)


@settings(max_examples=150, deadline=None)
@given(presets, event_lists, births, contacts)
def test_an_attempt_never_undoes_a_done_step(preset, events, birth, extra):
    # A new refusal opens a new re-contact cycle on purpose, so it is left out here.
    if extra.data["outcome"] == "declined":
        extra = d.Ev(d.CONTACT, extra.at, {**extra.data, "outcome": "no_answer"})
    before = {s.code: s.done for s in run(preset, events, birth).steps}
    after = {s.code: s.done for s in run(preset, [*events, extra], birth).steps}
    assert all(after[code] for code, done in before.items() if done)


@settings(max_examples=150, deadline=None)
@given(presets, event_lists, births, moments)
def test_reached_ends_the_outreach_phase(preset, events, birth, when):
    reached = d.Ev(d.CONTACT, when, {"channel": "phone", "outcome": "reached", "to_guardian": False})
    later = [e for e in events if not (e.kind == d.CONTACT and e.data["outcome"] == "declined" and e.at >= when)]
    s = run(preset, [*later, reached], birth)
    assert s.status == d.REACHED
    assert all(step.done for step in s.steps if step.spec.until_contact
               and step.spec.anchor in ("start", "assigned", "step"))
