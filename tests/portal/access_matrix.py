"""The access matrix: every URL pattern of the portal, requested as every kind of user.

Patterns come from the URL resolver, so a new view is covered without anyone remembering: a
pattern that takes parameters must have an entry in ``OBJECT_URLS`` (how to name an object of the
owning unit), or the matrix fails and says which one is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Namespaces with their own gate (Django's admin requires is_staff) are left to their owners.
SKIPPED_NAMESPACES = {"admin"}
# Pages anyone may open without logging in.
PUBLIC = {"login", "logout"}
# Routes of the API namespace that are HTML pages (login redirect, like the rest of the portal).
API_PAGES = {"api:docs"}
API_401: set[str] = set()


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]


def iter_routes(urlconf: str | None = None) -> Iterator[Route]:
    def walk(resolver: URLResolver, namespace: str | None) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                full = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
                yield from walk(entry, full)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                converters = getattr(entry.pattern, "converters", {})
                yield Route(name, tuple(converters))

    seen: set[str] = set()
    for route in walk(get_resolver(urlconf), None):
        if route.name not in seen:
            seen.add(route.name)
            yield route


@dataclass
class Outcome:
    requests: int = 0
    urls: int = 0
    problems: list[str] = field(default_factory=list)


def _request(client: Client, url: str, method: str):
    return client.post(url) if method == "post" else client.get(url)


def run_matrix(
    *,
    objects: dict[str, Callable[[object], dict]],
    fixture: object,
    owners: dict[str, object],
    sibling: object,
    forbidden: dict[str, set[str]],
    urlconf: str | None = None,
    personal: dict[str, str] | None = None,
) -> Outcome:
    """Request every route as anonymous, as the sibling unit's user and as each owner role.

    ``objects`` maps a route name to a function giving its kwargs for an object of the owning unit;
    ``forbidden`` maps a route name to the owner roles that must get 403; ``personal`` maps a route of
    a personal object (an export job) to the one owner role it belongs to: the other roles get 404."""
    outcome = Outcome()
    clients = {}
    for role, user in owners.items():
        clients[role] = Client()
        clients[role].force_login(user)
    sibling_client = Client()
    sibling_client.force_login(sibling)
    anonymous = Client()

    for route in iter_routes(urlconf):
        if route.name in PUBLIC:
            continue
        if route.params and route.name not in objects:
            outcome.problems.append(f"{route.name}: no entry in OBJECT_URLS (parameters {route.params})")
            continue
        kwargs = objects[route.name](fixture) if route.params else {}
        if kwargs is None:  # the route is reached by a secret token, checked separately
            continue
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        admin_client = clients.get("admin") or next(iter(clients.values()))
        method = "post" if admin_client.get(url).status_code == 405 else "get"
        outcome.urls += 1

        response = _request(anonymous, url, method)
        outcome.requests += 1
        # The JSON API answers 401 (with a Vietnamese message) instead of redirecting to the login page.
        if route.name in API_401 or (route.name.startswith("api:") and route.name not in API_PAGES):
            if response.status_code != 401:
                outcome.problems.append(f"{route.name} anonymous: {response.status_code}, expected 401")
        elif not (response.status_code == 302 and "/dang-nhap/" in response["Location"]):
            outcome.problems.append(f"{route.name} anonymous: {response.status_code}, not a redirect to login")

        if route.params:
            response = _request(sibling_client, url, method)
            outcome.requests += 1
            if response.status_code != 404:
                outcome.problems.append(f"{route.name} sibling unit: {response.status_code}, expected 404")

        for role, client in clients.items():
            expected_forbidden = role in forbidden.get(route.name, set())
            if route.name in (personal or {}) and role != personal[route.name]:
                response = _request(client, url, method)
                outcome.requests += 1
                if response.status_code != 404:
                    outcome.problems.append(f"{route.name} as {role}: {response.status_code}, expected 404")
                continue
            if method == "post" and not expected_forbidden:
                continue  # an allowed POST would change the fixture under the other requests
            response = _request(client, url, method)
            outcome.requests += 1
            if expected_forbidden and response.status_code != 403:
                outcome.problems.append(f"{route.name} as {role}: {response.status_code}, expected 403")
            elif not expected_forbidden and response.status_code not in (200, 302):
                outcome.problems.append(f"{route.name} as {role}: {response.status_code}, expected 200")
    return outcome
