from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from agencies import sections as page_sections
from agencies import selectors
from agencies.models import Agency, AgencyKind
from portal import access, params
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
    unit's agencies never appear), searched without diacritics, at most AUTOCOMPLETE_LIMIT.

    ``?doi_tac=1`` is the party picker of a record: the partners the 2025 map allows the user's unit
    (``selectors.partner_picker``), and with ``ngay=dd/mm/yyyy`` (the record's date) no agency
    dissolved before that day."""
    text = request.GET.get("q", "")[:100]
    if request.GET.get("doi_tac"):
        agencies = selectors.partner_picker(request.user, text, params.date_param(request.GET.get("ngay")))
    else:
        agencies = access.agencies(request.user).select_related("current_carrier").order_by("name")
        if text.strip():
            agencies = agencies.search(text)
    results = [
        {"value": agency.pk, "text": selectors.display_with_carrier(agency, short=False)}
        for agency in agencies[:AUTOCOMPLETE_LIMIT]
    ]
    return JsonResponse({"results": results})
