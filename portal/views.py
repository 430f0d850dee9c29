import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader

from portal import access, outage
from portal.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = access.scope_of(request.user)
    return render(
        request,
        "home.html",
        {
            "agency_count": access.agencies(request.user).count(),
            "scope_everything": scope.read_all,
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception or "")
    user = getattr(request, "user", None)
    since = access.read_only_since(user) if user is not None else None
    if since is not None:  # whatever write was refused, say why: the unit no longer exists
        reason = access.read_only_message(since)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database error raised outside a view (a middleware read the session or the user).
    error = sys.exc_info()[1]
    if outage.is_database_error(error):
        return outage.unavailable_response(request, error)
    # No request, so no context processors: they query the database, which may be what failed.
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """The logo for browsers that ask for /favicon.ico on their own (a PDF opened in a tab)."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/logo.svg"))
