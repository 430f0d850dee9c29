"""Which accounts a unit's administrator manages, and in which units they may place one."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from agencies.models import Agency, AgencyKind
from portal import access
from portal.search import matches_all_words

MANAGER_ROLES = frozenset({Role.ADMIN})
# Portal accounts belong to the procuracy's own units, never to a partner court or police agency.
ACCOUNT_AGENCY_KINDS = (AgencyKind.PROCURACY, AgencyKind.INTERNAL_UNIT, AgencyKind.PROCURACY_INVESTIGATION)


def managed_units(admin: User) -> QuerySet[Agency]:
    """Units whose accounts ``admin`` manages (``access.administered_agencies``), procuracy units only."""
    return access.administered_agencies(admin).filter(kind__in=ACCOUNT_AGENCY_KINDS)


def assignable_units(admin: User) -> QuerySet[Agency]:
    """Units a new or moved account may be placed in: the managed units still in operation."""
    return managed_units(admin).exclude(active_to__isnull=False).order_by("level", "name")


def managed_accounts(admin: User, query: str = "") -> QuerySet[User]:
    accounts = User.objects.filter(agency__in=managed_units(admin)).select_related("agency__current_carrier")
    if not admin.is_superuser:
        accounts = accounts.filter(is_superuser=False)
    query = query.replace("\x00", "").strip()[:100]
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | matches_all_words("agency__search_text", query)
        )
    return accounts.order_by("agency__name", "full_name", "username")


def is_unit_below(upper: Agency, agency: Agency) -> bool:
    """``agency`` is a unit below ``upper``: in a locality below its locality, or under it in the tree of
    agencies (an internal unit of the same procuracy)."""
    if agency.pk == upper.pk:
        return False
    if agency.locality_id != upper.locality_id and agency.locality.path.startswith(upper.locality.path):
        return True
    seen: set[int] = set()
    parent_id = agency.parent_id
    while parent_id is not None and parent_id not in seen:
        if parent_id == upper.pk:
            return True
        seen.add(parent_id)
        parent_id = Agency.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return False


def may_change(admin: User, account: User) -> bool:
    """Whether ``admin`` may lock, reset or otherwise change ``account`` (already one it manages): its own
    account (with the limits of ``accounts.services``), accounts of a lower role, and admins of units below
    its own; never another admin of its own unit (or of a unit above). Superusers change any account."""
    if admin.is_superuser or account.pk == admin.pk:
        return True
    if account.is_superuser:
        return False
    if account.role != Role.ADMIN:
        return True
    return admin.agency is not None and account.agency is not None and is_unit_below(admin.agency, account.agency)


def managed_account_or_404(admin: User, pk: int) -> User:
    """An account ``admin`` manages. Otherwise: outside what the user may read, 404 (whatever the
    role, and a probe is logged); inside it, 403 for a user without the admin role; 404 again for an
    account not managed here (a superuser's, a partner agency's)."""
    account = managed_accounts(admin).filter(pk=pk).first()
    if account is not None:
        return account
    access.get_or_404(admin, User.objects.all(), "agency__locality", pk=pk)
    access.require_role(admin, MANAGER_ROLES)
    raise Http404
