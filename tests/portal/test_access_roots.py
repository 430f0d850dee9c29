"""Issue #18, point 7: reading without a locality filter is only a shortcut for the one root of every
locality. A generated data set adds a second national-level root: each tree's leader (and supreme-level
admin) reads its own tree, nobody reads both."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from agencies.models import Agency, AgencyLevel
from demo import scale_data
from meetings.models import Meeting
from portal import access
from regulations.models import Regulation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_roots(world):
    call_command("generate_national_data", "--scale", "0.002", "--seed", "3")
    return world


def synthetic(qs, field: str = "code") -> set[bool]:
    return {value.startswith(scale_data.CODE_PREFIX) for value in qs.values_list(field, flat=True)}


def test_a_single_root_is_still_the_whole_country(world):
    assert access.scope_of(world.supreme_leader).read_all
    assert access.is_supreme_admin(world.supreme_admin)


def test_each_root_leader_reads_only_its_own_tree(two_roots):
    world = two_roots
    syn_leader = User.objects.get(username="syn.lanhdao.toicao")
    for user in (world.supreme_leader, syn_leader):
        assert not access.scope_of(user).read_all
    assert synthetic(access.agencies(world.supreme_leader)) == {False}
    assert codes_world(access.agencies(world.supreme_leader)) == set(
        Agency.objects.exclude(code__startswith=scale_data.CODE_PREFIX).values_list("code", flat=True)
    )
    assert synthetic(access.agencies(syn_leader)) == {True}
    regulations = access.restrict(syn_leader, Regulation.objects.all(), "host_agency__locality")
    assert synthetic(regulations, "host_agency__code") == {True}
    assert not access.restrict(world.supreme_leader, Meeting.objects.all()).exists()


def codes_world(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_supreme_level_admin_of_either_root_administers_only_its_tree(two_roots):
    world = two_roots
    syn_tc = Agency.objects.get(code__startswith=scale_data.CODE_PREFIX, level=AgencyLevel.SUPREME, kind="procuracy")
    syn_admin = UserFactory(username="syn.admin", agency=syn_tc, role=Role.ADMIN)
    for admin, own_synthetic in ((world.supreme_admin, False), (syn_admin, True)):
        assert not access.is_supreme_admin(admin)
        assert synthetic(access.agencies(admin)) == {own_synthetic}
        assert synthetic(access.administered_agencies(admin)) == {own_synthetic}
    assert access.can_write(world.supreme_admin, world.ha_giang.pk)
    assert not access.can_write(world.supreme_admin, syn_tc.locality_id)
    superuser = UserFactory(username="root", agency=None, is_superuser=True)
    assert access.scope_of(superuser).read_all
