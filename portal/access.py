"""The one place that decides what a user may see and change.

Every list, detail page, download, export and filter choice narrows its queryset here. The unit
of scope is the locality (địa bàn) of the user's agency:

* supreme-level admins (and superusers) see everything;
* leaders see their locality and every locality below it;
* "everything" (no filter at all) is only a shortcut for the one locality that is the root of every
  other: if there are several roots (a generated data set, an agencies CSV adds a second national-level
  tree), nobody but a superuser reads without a filter; a supreme-level admin or a leader at any root
  reads and writes, as the role allows, its own tree (``sole_root_id``);
* everyone else sees their own locality, plus dissolved localities whose work it carries now
  (a district dissolved in 2025 hangs under the regional unit that replaced it).

Writes are allowed to the roles an action names, in the user's own locality (not below it),
except for supreme admins, who may write anywhere. Users of a unit dissolved before today read as
before but write nothing (``read_only_since``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import Agency, AgencyLevel, AgencyQuerySet, Locality

if TYPE_CHECKING:
    from meetings.models import Directive

EDIT_ROLES = frozenset({Role.STAFF, Role.ADMIN})
MEETING_ROLES = frozenset({Role.STAFF, Role.CLERK, Role.ADMIN})
CLERK_ROLES = frozenset({Role.CLERK, Role.ADMIN})
LEADER_ROLES = frozenset({Role.LEADER, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Scope:
    read_all: bool
    write_all: bool
    readable: frozenset[int]
    writable: frozenset[int]

    def can_read(self, locality_id: int | None) -> bool:
        return self.read_all or locality_id in self.readable

    def can_write(self, locality_id: int | None) -> bool:
        return self.write_all or locality_id in self.writable


M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])

NOTHING = Scope(read_all=False, write_all=False, readable=frozenset(), writable=frozenset())


def sole_root_id(user: User | None = None) -> int | None:
    """The locality that is the root of every other, or None when there are several roots (or none).
    Kept on ``user`` for the request when one is given."""
    if user is not None and hasattr(user, "_portal_sole_root"):
        cached: int | None = user._portal_sole_root
        return cached
    roots = list(Locality.objects.filter(parent__isnull=True).values_list("id", flat=True)[:2])
    found = roots[0] if len(roots) == 1 else None
    if user is not None:
        user._portal_sole_root = found  # type: ignore[attr-defined]
    return found


def _is_supreme_level_admin(user: User) -> bool:
    return user.role == Role.ADMIN and user.agency is not None and user.agency.level == AgencyLevel.SUPREME


def is_supreme_admin(user: User | AnonymousUser) -> bool:
    """Superusers, and the admins of a supreme-level unit at the one root of every locality. The admin of
    a supreme-level unit of a second root (a generated data set) administers only its own tree."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _is_supreme_level_admin(user) and user.agency.locality_id == sole_root_id(user)  # type: ignore[union-attr]


def _carried_localities(root: Locality) -> set[int]:
    """The root plus dissolved localities below it reached only through dissolved ones."""
    below = list(Locality.objects.subtree(root).values("id", "parent_id", "active_to"))
    children: dict[int | None, list[dict]] = {}
    for row in below:
        children.setdefault(row["parent_id"], []).append(row)
    carried, stack = {root.pk}, [root.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child["active_to"] is not None and child["id"] not in carried:
                carried.add(child["id"])
                stack.append(child["id"])
    return carried


def read_only_since(user: User) -> datetime.date | None:
    """The dissolution date of the user's unit if it has passed: such users may only read."""
    if not user.is_authenticated or user.is_superuser or user.agency is None:
        return None
    active_to = user.agency.active_to
    return active_to if active_to is not None and active_to < timezone.localdate() else None


def read_only_message(day: datetime.date) -> str:
    return (
        f"Đơn vị của bạn đã giải thể từ ngày {day:%d/%m/%Y}: tài khoản chỉ còn quyền xem, "
        "không thêm, sửa hay xóa được dữ liệu."
    )


def scope_of(user: User) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    cached: Scope | None = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = NOTHING
    elif is_supreme_admin(user):
        scope = Scope(read_all=True, write_all=True, readable=frozenset(), writable=frozenset())
    elif user.agency is None:
        scope = NOTHING
    else:
        own = user.agency.locality
        carried = frozenset(_carried_localities(own))
        if _is_supreme_level_admin(user):
            # a supreme-level admin of one of several roots: everything in its own tree, nothing beyond
            subtree = frozenset(Locality.objects.subtree(own).values_list("id", flat=True))
            scope = Scope(read_all=False, write_all=False, readable=subtree, writable=subtree)
        elif user.role == Role.LEADER:
            subtree = frozenset(Locality.objects.subtree(own).values_list("id", flat=True))
            # A leader at the one root of every locality reads the whole tree: no filter at all, rather
            # than an IN list of every locality, which keeps PostgreSQL off the indexes at national
            # scale. A leader at one of several roots reads its own tree only.
            whole = own.parent_id is None and sole_root_id(user) == own.pk
            scope = Scope(read_all=whole, write_all=False, readable=subtree, writable=carried)
        else:
            scope = Scope(read_all=False, write_all=False, readable=carried, writable=carried)
        if read_only_since(user) is not None:
            scope = Scope(read_all=scope.read_all, write_all=False, readable=scope.readable, writable=frozenset())
    user._portal_scope = scope  # type: ignore[attr-defined]  # kept for the request
    return scope


def restrict(user: User, queryset: QS, locality_field: str = "locality") -> QS:
    """Narrow ``queryset`` to the rows whose ``locality_field`` the user may read."""
    scope = scope_of(user)
    if scope.read_all:
        return queryset
    return queryset.filter(**{f"{locality_field}__in": scope.readable})


def restrict_any(user: User, queryset: QS, *locality_fields: str) -> QS:
    """Narrow ``queryset`` to the rows with at least one of ``locality_fields`` readable (a directive: its
    own locality or its meeting's)."""
    scope = scope_of(user)
    if scope.read_all:
        return queryset
    either = Q()
    for name in locality_fields:
        either |= Q(**{f"{name}__in": scope.readable})
    return queryset.filter(either)


def audit_events(user: User, queryset: QS) -> QS:
    """The audit log: admins only; supreme admins see every event, other admins those of the users of
    the localities they read."""
    require_role(user, ADMIN_ROLES)
    return restrict(user, queryset, "user__agency__locality")


def readable_subtree(user: User, root: Locality) -> tuple[list[dict], set[int]]:
    """The localities at and below ``root`` (id, parent_id, path, name) and which of them the user reads
    (a dashboard of a unit shows only those)."""
    scope = scope_of(user)
    subtree = list(Locality.objects.subtree(root).values("id", "parent_id", "path", "name"))
    return subtree, {row["id"] for row in subtree if scope.can_read(row["id"])}


def can_mark_directive(user: User, directive: Directive) -> bool:
    """Who may mark a directive done: the meeting roles of its unit or of its meeting's unit, and leaders
    (and admins) who read it."""
    scope = scope_of(user)
    localities = (directive.locality_id, directive.meeting.locality_id)
    if has_role(user, MEETING_ROLES) and any(scope.can_write(pk) for pk in localities):
        return True
    return has_role(user, LEADER_ROLES) and any(scope.can_read(pk) for pk in localities)


def agencies(user: User) -> AgencyQuerySet:
    return restrict(user, Agency.objects.all())


def localities(user: User) -> QuerySet[Locality]:
    return restrict(user, Locality.objects.all(), "id")


def get_or_404(user: User, queryset: QuerySet[M], locality_field: str = "locality", **lookup: Any) -> M:
    """Fetch one object in the user's scope; out of scope looks exactly like missing."""
    try:
        found: M = restrict(user, queryset, locality_field).get(**lookup)
        return found
    except ObjectDoesNotExist:
        # Same 404 either way; but note a record that exists outside the scope, so the audit trail
        # can show a user probing other units' ids (audit.middleware).
        if queryset.model._default_manager.filter(**lookup).exists():
            user._portal_out_of_scope = f"{queryset.model._meta.label} #{lookup.get('pk', '')}"  # type: ignore[attr-defined]
        raise Http404 from None
    except (ValueError, TypeError):
        raise Http404 from None


def own_or_404(user: User, queryset: QuerySet[M], **lookup: Any) -> M:
    """A personal object (an export job and its file): its owner sees it, anyone else gets 404."""
    try:
        found: M = queryset.get(user=user, **lookup)
        return found
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def has_role(user: User, roles: Iterable[str]) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in roles)


def can_write(user: User, locality_id: int | None, roles: Iterable[str] = EDIT_ROLES) -> bool:
    return has_role(user, roles) and scope_of(user).can_write(locality_id)


def require_write(user: User, locality_id: int | None, roles: Iterable[str] = EDIT_ROLES) -> None:
    if not can_write(user, locality_id, roles):
        since = read_only_since(user)
        raise PermissionDenied(read_only_message(since) if since else "Bạn không có quyền thực hiện thao tác này.")


def require_supreme_admin(user: User) -> None:
    """System-wide settings (signing keys, trust roots) are the supreme procuracy's admins' alone."""
    if not is_supreme_admin(user):
        raise PermissionDenied("Chỉ quản trị hệ thống (Viện kiểm sát nhân dân tối cao) được thực hiện thao tác này.")


def require_role(user: User, roles: Iterable[str]) -> None:
    if not has_role(user, roles):
        raise PermissionDenied("Vai trò của bạn không được phép thực hiện thao tác này.")


def writable_agencies(user: User, roles: Iterable[str] = EDIT_ROLES) -> QuerySet[Agency]:
    """Agencies in whose name the user may record things (for form choices)."""
    if not has_role(user, roles):
        return Agency.objects.none()
    scope = scope_of(user)
    if scope.write_all:
        return Agency.objects.all()
    return Agency.objects.filter(locality__in=scope.writable)


def administered_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose user accounts ``user`` administers: every unit at and below the admin's own
    (a province's admin also manages the accounts of its regional units), every unit for the supreme
    procuracy's admin; none for other roles or for the admin of a dissolved unit."""
    if not has_role(user, {Role.ADMIN}) or read_only_since(user) is not None:
        return Agency.objects.none()
    if scope_of(user).write_all:
        return Agency.objects.all()
    if user.agency is None:
        return Agency.objects.none()
    return Agency.objects.filter(locality__in=Locality.objects.subtree(user.agency.locality))
