"""While the database does not answer: a 503 with a Vietnamese page (or the API's JSON) and
``Retry-After``, never the generic 500.

``DatabaseUnavailableMiddleware`` turns an ``OperationalError``/``InterfaceError`` raised by a view into
that answer; ``portal.views.server_error`` does the same for one raised in a middleware (the session or
the user looked up before the view). The page is rendered without a request, so no context processor
runs (they read the database). A form POST that failed this way is shown again with what was typed:
the posted values in a form that posts to the same URL with a fresh CSRF token (the CSRF cookie needs
no database), passwords and files left out and said so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít phút."
API_PREFIX = "/api/"
SECRET_WORDS = ("password", "mat_khau", "token", "secret")
HIDDEN_VALUES = {"", "on", "true", "false", "True", "False"}


@dataclass(frozen=True)
class TypedValue:
    name: str
    value: str
    visible: bool  # what a person typed; ids, choices and flags travel hidden
    multiline: bool


def is_database_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def retry_after() -> int:
    return int(getattr(settings, "DATABASE_RETRY_AFTER", 30))


def typed_values(request: HttpRequest) -> tuple[list[TypedValue], bool, bool]:
    """The posted values to show again; whether a password and whether a file were left out."""
    values: list[TypedValue] = []
    secret_left_out = False
    for name, items in request.POST.lists():
        if name == "csrfmiddlewaretoken":
            continue
        if any(word in name.lower() for word in SECRET_WORDS):
            secret_left_out = secret_left_out or any(items)
            continue
        for value in items:
            visible = value.strip() not in HIDDEN_VALUES and not value.strip().isdigit()
            values.append(TypedValue(name, value, visible, "\n" in value or len(value) > 100))
    return values, secret_left_out, bool(request.FILES)


def unavailable_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": MESSAGE, "code": "database_unavailable"}, status=503)
    else:
        context: dict[str, object] = {"message": MESSAGE, "retry_after": retry_after()}
        if request.method == "POST":
            values, secret_left_out, files_left_out = typed_values(request)
            context.update(
                values=values,
                secret_left_out=secret_left_out,
                files_left_out=files_left_out,
                action=request.get_full_path(),
                csrf_token=get_token(request),
            )
        # No request: no context processors, which would read the database again.
        response = HttpResponse(loader.render_to_string("errors/503.html", context), status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_error(exception):
            return None
        return unavailable_response(request, exception)
