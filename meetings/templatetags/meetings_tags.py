from django import template

from meetings import selectors

register = template.Library()


@register.simple_tag
def agency_meetings(agency, user, limit: int = 10):
    """The latest meetings hosted by ``agency`` that ``user`` may see."""
    return list(selectors.meetings_for(user).filter(host_agency=agency).order_by("-starts_at")[:limit])
