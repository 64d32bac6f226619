"""Every URL pattern × every role against the one expected table in tests/access/expected.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import expected
from .conftest import ROLES, World
from .expected import EXPECTED, KWARGS, LOGIN, PARAMS


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _params(pattern: Any) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters is not None:
        return list(converters)
    return list(pattern.regex.groupindex)


def _walk(resolver: URLResolver, namespace: str = "", prefix: str = "",
          params: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        here = prefix + str(entry.pattern)
        names = params + tuple(_params(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from _walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace, here, names)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}" if entry.name else here, here, names)


def project_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver()):
        routes.setdefault(route.name, route)
    return routes


def _value(world: World, ref: Any) -> Any:
    if callable(ref):
        ref = ref(world)
    elif isinstance(ref, str) and ref in world.objects:
        ref = world[ref]
    return getattr(ref, "pk", ref)


def url_for(route: Route, world: World) -> str:
    if route.name == route.route:  # unnamed: the route is the path
        return "/" + route.route
    override = KWARGS.get(route.name, {})
    kwargs = {}
    for param in route.params:
        ref = override.get(param, PARAMS.get(param))
        if ref is None:
            pytest.fail(f"{route.name}: no value for the URL parameter {param!r}: add it to PARAMS or "
                        f"KWARGS in tests/access/expected.py")
        kwargs[param] = _value(world, ref)
    return reverse(route.name, kwargs=kwargs)


def measure(route: Route, world: World, role: str) -> int | str:
    url = url_for(route, world)
    response = world.client_for(role, api=route.is_api).get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


def measure_all(route: Route, world: World) -> tuple[int | str, ...]:
    return tuple(measure(route, world, role) for role in ROLES)


def table_line(name: str, statuses: tuple) -> str:
    cells = ", ".join("LOGIN" if s == LOGIN else str(s) for s in statuses)
    key = f'"{name}":'
    return f"    {key:<36}({cells}),"


ROUTES = project_routes()


def test_every_url_has_a_line_and_every_line_a_url(world):
    missing = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    problems = []
    if missing:
        lines = "\n".join(table_line(name, measure_all(ROUTES[name], world)) for name in missing)
        problems.append(
            "URL patterns without an entry: add them to tests/access/expected.py (measured now; "
            f"check each status is what the policy wants before pasting):\n{lines}")
    if stale:
        problems.append(f"Entries for URLs that do not exist (remove from tests/access/expected.py): {stale}")
    assert not problems, "\n\n".join(problems)


def test_table_rows_have_a_status_per_role():
    bad = [name for name, row in EXPECTED.items() if len(row) != len(ROLES)]
    assert not bad, f"rows without exactly {len(ROLES)} statuses ({', '.join(ROLES)}): {bad}"
    assert expected.LOGIN == LOGIN


@pytest.mark.parametrize("name", sorted(set(EXPECTED) & set(ROUTES)))
def test_access(world, name):
    actual = measure_all(ROUTES[name], world)
    want = EXPECTED[name]
    if actual != tuple(want):
        diffs = ", ".join(f"{role}: expected {w}, got {a}" for role, w, a in zip(ROLES, want, actual, strict=True)
                          if w != a)
        pytest.fail(f"{name} ({ROUTES[name].route}): {diffs}\nmeasured line:\n{table_line(name, actual)}")



PUBLIC = 200  # an anonymous GET that answers 200 marks a public page (login, reply page, health)


@pytest.mark.parametrize("name", sorted(n for n in set(EXPECTED) & set(ROUTES) if EXPECTED[n][0] != PUBLIC))
def test_anonymous_post_is_refused(world, name):
    """POST-only actions never run for an anonymous caller (a GET table cannot show that)."""
    route = ROUTES[name]
    response = world.client_for("anonymous", api=route.is_api).post(url_for(route, world))
    location = response.get("Location", "")
    refused = response.status_code in (401, 403, 404, 405) or (
        response.status_code == 302 and location.startswith(reverse("accounts:login")))
    if name == "set_language":  # public by design: only changes the session's language
        refused = response.status_code == 302
    assert refused, f"{name}: anonymous POST answered {response.status_code} {location}"
