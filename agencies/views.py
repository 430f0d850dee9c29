from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from agencies import sections as page_sections
from agencies import selectors
from agencies.models import Agency, AgencyKind
from portal import access
from portal.http import AuthenticatedHttpRequest


@login_required
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in AgencyKind.values:
        kind = ""
    return render(
        request,
        "agencies/tree.html",
        {"roots": selectors.agency_tree(request.user, kind), "kinds": AgencyKind.choices, "kind": kind},
    )


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:200]
    results = selectors.search_agencies(request.user, text) if text.strip() else Agency.objects.none()
    page = Paginator(results, 30).get_page(request.GET.get("page"))
    return render(request, "agencies/search.html", {"q": text, "page_obj": page})


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = access.get_or_404(request.user, Agency.objects.select_related("locality", "parent"), pk=pk)
    people = agency.people.order_by("active_to", "full_name")
    visible_children = access.agencies(request.user).filter(parent=agency).order_by("name")
    # Sections other apps add to the agency page (templates receiving `agency`), registered at start-up.
    sections = page_sections.for_page(request.user, agency)
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "people": people,
            "children": visible_children,
            "chain": selectors.succession_chain(agency),
            "carriers": selectors.current_carriers(agency) if not agency.is_active else [],
            **sections,
        },
    )


AUTOCOMPLETE_LIMIT = 30


@login_required
def autocomplete(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Agencies for searchable selects, loaded as the user types: only the user's scope (another
    unit's agencies never appear), searched without diacritics, at most AUTOCOMPLETE_LIMIT."""
    text = request.GET.get("q", "")[:100]
    agencies = access.agencies(request.user)
    if text.strip():
        agencies = agencies.search(text)
    results = [
        {"value": agency.pk, "text": agency.name if agency.is_active else f"{agency.name} (đã giải thể)"}
        for agency in agencies.only("id", "name", "active_from", "active_to").order_by("name")[:AUTOCOMPLETE_LIMIT]
    ]
    return JsonResponse({"results": results})
