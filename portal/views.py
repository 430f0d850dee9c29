from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import access


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
