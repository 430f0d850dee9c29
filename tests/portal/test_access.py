"""portal.access: the scoping rule, directly."""

import pytest

from agencies.models import Agency
from portal import access

pytestmark = pytest.mark.django_db


def codes(user) -> set[str]:
    return set(access.agencies(user).values_list("code", flat=True))


def test_staff_sees_own_locality_only(world):
    assert codes(world.ks_staff) == {"VKS-KS", "TA-KS"}
    assert codes(world.hg_staff) == {"VKS-HG", "TA-HG"}


def test_leader_sees_subtree(world):
    assert codes(world.kh_leader) == {"VKS-KH", "TA-KH", "VKS-KS", "TA-KS"}


def test_supreme_admin_sees_everything(world):
    assert codes(world.supreme_admin) == set(Agency.objects.values_list("code", flat=True))


def test_supreme_leader_sees_everything_below(world):
    assert codes(world.supreme_leader) == set(Agency.objects.values_list("code", flat=True))


def test_supreme_staff_sees_only_national(world):
    assert codes(world.supreme_staff) == {"VKS-TC", "TA-TC"}


def test_leader_reads_below_but_writes_only_own(world):
    assert not access.can_write(world.kh_leader, world.khanh_son.pk)
    assert access.can_write(world.kh_staff, world.khanh_hoa.pk)
    assert not access.can_write(world.kh_staff, world.khanh_son.pk)
    assert access.can_write(world.supreme_admin, world.ha_giang.pk)


def test_get_or_404_hides_out_of_scope(world):
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_or_404(world.ks_staff, Agency.objects.all(), pk=world.vks_hg.pk)
    assert access.get_or_404(world.kh_leader, Agency.objects.all(), pk=world.vks_ks.pk) == world.vks_ks


def test_anonymous_and_agencyless_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    assert codes(AnonymousUser()) == set()
    assert codes(UserFactory(agency=None, username="loner")) == set()
