from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from portal import access


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The audit log, for admins: supreme admins see all events, other admins their locality's users."""
    access.require_role(request.user, {Role.ADMIN})
    events = AuditEvent.objects.select_related("user")
    if not access.scope_of(request.user).read_all:
        events = events.filter(user__agency__locality__in=access.scope_of(request.user).readable)
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    username = request.GET.get("username", "")[:150].strip()
    if username:
        events = events.filter(username__icontains=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page_obj": page, "actions": AuditAction.choices, "action": action, "username": username},
    )
