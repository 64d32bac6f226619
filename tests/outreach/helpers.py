"""Helpers for outreach tests: chain specs from the presets, events in local time."""

import datetime

from kaa.outreach import deadlines as d
from kaa.outreach.presets import PRESETS

TZ = d.TZ


def spec(preset: str = "almhult", **chain_kwargs) -> d.ChainSpec:
    steps = tuple(
        d.StepSpec(order=(i + 1) * 10, **{k: v for k, v in s.items() if k not in ("name", "instructions", "channels")},
                   channels=tuple(s.get("channels", "").split()), name=str(s["name"]))
        for i, s in enumerate(PRESETS[preset]["steps"])
    )
    return d.ChainSpec(code=preset, steps=steps, **chain_kwargs)


def at(day: str, hh: int = 10, mm: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hh, mm), TZ)


def entered(day: str) -> d.Ev:
    return d.Ev(d.ENTERED, at(day, 0, 0), {"reason": "avbrott", "date": day})


def contact(day: str, channel: str, outcome: str = "no_answer", hh: int = 10, to_guardian: bool = False) -> d.Ev:
    return d.Ev(d.CONTACT, at(day, hh), {"channel": channel, "outcome": outcome, "to_guardian": to_guardian})


ADULT = datetime.date(2006, 1, 15)  # 20 in 2026; 19 in autumn 2025
MINOR = datetime.date(2009, 6, 1)  # 16 in autumn 2025
