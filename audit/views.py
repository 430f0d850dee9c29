import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEvent
from portal import access
from portal.forms import BoundedDatesMixin
from portal.http import AuthenticatedHttpRequest
from portal.pagination import CappedPaginator


class AuditDatesForm(BoundedDatesMixin, forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False)
    date_to = forms.DateField(label=_("Đến ngày"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit log, for admins: supreme admins see all events, other admins their locality's users."""
    events = access.audit_events(request.user, AuditEvent.objects.select_related("user"))
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    username = request.GET.get("username", "").replace("\x00", "")[:150].strip()
    if username:
        events = events.filter(username__icontains=username)
    dates = AuditDatesForm(request.GET)
    if dates.is_valid():
        tz = timezone.get_current_timezone()
        if dates.cleaned_data.get("date_from"):
            events = events.filter(
                created_at__gte=datetime.datetime.combine(dates.cleaned_data["date_from"], datetime.time.min, tz)
            )
        if dates.cleaned_data.get("date_to"):
            end = dates.cleaned_data["date_to"] + datetime.timedelta(days=1)
            events = events.filter(created_at__lt=datetime.datetime.combine(end, datetime.time.min, tz))
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page_obj": page, "actions": AuditAction.choices, "action": action, "username": username, "dates": dates},
    )
