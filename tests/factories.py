"""factory_boy factories for the shared models, and ``build_world``: a small two-province world.

Use them in every app's tests::

    from tests.factories import AgencyFactory, UserFactory, build_world
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from agencies.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Locality,
    LocalityLevel,
    Person,
    SuccessionKind,
)
from regulations.defaults import ensure_default_fields
from regulations.models import Field

TEST_PASSWORD = "test-VKS-2026"


class LocalityFactory(DjangoModelFactory):
    """``Locality.save()`` computes ``path`` from the parent; pass ``parent=`` to nest."""

    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Địa bàn {n}")
    level = LocalityLevel.PROVINCE
    parent = None


class AgencyFactory(DjangoModelFactory):
    """``Agency.save()`` fills ``search_text`` (accent-free) from name, short name and code."""

    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Viện kiểm sát nhân dân thử nghiệm {n}")
    short_name = ""
    code = factory.Sequence(lambda n: f"TEST-{n}")
    kind = AgencyKind.PROCURACY
    level = AgencyLevel.PROVINCE
    locality = factory.SubFactory(LocalityFactory)
    parent = None
    place_name = ""
    document_symbol = ""


class AgencySuccessionFactory(DjangoModelFactory):
    class Meta:
        model = AgencySuccession

    predecessor = factory.SubFactory(AgencyFactory)
    successor = factory.SubFactory(AgencyFactory)
    kind = SuccessionKind.REPLACED_BY
    effective_on = datetime.date(2025, 7, 1)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None) -> None:
        if create:
            from agencies.services import refresh_current_carriers

            refresh_current_carriers()


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    position = "Kiểm sát viên"
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(DjangoModelFactory):
    """A user with ``role`` at ``agency``; the password is ``TEST_PASSWORD``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@vks.test")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.STAFF
    password = factory.django.Password(TEST_PASSWORD)


@dataclass
class World:
    """Two provinces, one district, procuracies and courts, users of every role.

    Localities: ``national`` (Toàn quốc) > ``khanh_hoa`` > ``khanh_son``; ``national`` > ``ha_giang``.
    Agencies (procuracy, court): ``vks_tc``/``ta_tc``, ``vks_kh``/``ta_kh``, ``vks_ks``/``ta_ks``,
    ``vks_hg``/``ta_hg``. People: ``person_hg`` (Đặng Bình Giang), ``person_ks``.
    Users (password ``TEST_PASSWORD``): ``supreme_admin``, ``supreme_leader``, ``supreme_staff``,
    ``kh_leader``, ``kh_staff``, ``ks_staff``, ``ks_clerk``, ``ks_leader``, ``ks_admin``,
    ``hg_staff``, ``hg_leader``; also in ``users`` by those names.
    """

    national: Locality
    khanh_hoa: Locality
    khanh_son: Locality
    ha_giang: Locality
    vks_tc: Agency
    ta_tc: Agency
    vks_kh: Agency
    ta_kh: Agency
    vks_ks: Agency
    ta_ks: Agency
    vks_hg: Agency
    ta_hg: Agency
    person_hg: Person
    person_ks: Person
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    # Transactional tests (live_server) flush the tables, data-migration rows included.
    ensure_default_fields(Field)
    national = LocalityFactory(name="Toàn quốc", level=LocalityLevel.NATIONAL)
    khanh_hoa = LocalityFactory(name="Khánh Hòa", level=LocalityLevel.PROVINCE, parent=national)
    khanh_son = LocalityFactory(name="Khánh Sơn", level=LocalityLevel.DISTRICT, parent=khanh_hoa)
    ha_giang = LocalityFactory(name="Hà Giang", level=LocalityLevel.PROVINCE, parent=national)

    def pair(code: str, where: str, level: str, locality: Locality, parents: tuple[Agency, Agency] | None):
        vks = AgencyFactory(
            code=f"VKS-{code}",
            name=f"Viện kiểm sát nhân dân {where}",
            short_name=f"VKSND {where}",
            kind=AgencyKind.PROCURACY,
            level=level,
            locality=locality,
            parent=parents[0] if parents else None,
            place_name=locality.name,
            document_symbol=f"VKS{code}",
        )
        ta = AgencyFactory(
            code=f"TA-{code}",
            name=f"Tòa án nhân dân {where}",
            short_name=f"TAND {where}",
            kind=AgencyKind.COURT,
            level=level,
            locality=locality,
            parent=parents[1] if parents else None,
            place_name=locality.name,
            document_symbol=f"TA{code}",
        )
        return vks, ta

    vks_tc, ta_tc = pair("TC", "tối cao", AgencyLevel.SUPREME, national, None)
    vks_kh, ta_kh = pair("KH", "tỉnh Khánh Hòa", AgencyLevel.PROVINCE, khanh_hoa, (vks_tc, ta_tc))
    vks_ks, ta_ks = pair("KS", "huyện Khánh Sơn", AgencyLevel.DISTRICT, khanh_son, (vks_kh, ta_kh))
    vks_hg, ta_hg = pair("HG", "tỉnh Hà Giang", AgencyLevel.PROVINCE, ha_giang, (vks_tc, ta_tc))

    world = World(
        national=national,
        khanh_hoa=khanh_hoa,
        khanh_son=khanh_son,
        ha_giang=ha_giang,
        vks_tc=vks_tc,
        ta_tc=ta_tc,
        vks_kh=vks_kh,
        ta_kh=ta_kh,
        vks_ks=vks_ks,
        ta_ks=ta_ks,
        vks_hg=vks_hg,
        ta_hg=ta_hg,
        person_hg=PersonFactory(full_name="Đặng Bình Giang", position="Viện trưởng VKSND tỉnh Hà Giang", agency=vks_hg),
        person_ks=PersonFactory(full_name="Bùi Văn Đức", position="Kiểm sát viên", agency=vks_ks),
    )
    for name, full_name, agency, role in [
        ("supreme_admin", "Quản trị hệ thống", vks_tc, Role.ADMIN),
        ("supreme_leader", "Trần Văn Minh", vks_tc, Role.LEADER),
        ("supreme_staff", "Phạm Thị Hoa", vks_tc, Role.STAFF),
        ("kh_leader", "Nguyễn Văn Hải", vks_kh, Role.LEADER),
        ("kh_staff", "Trần Thị Lan", vks_kh, Role.STAFF),
        ("ks_staff", "Bùi Thị Hạnh", vks_ks, Role.STAFF),
        ("ks_clerk", "Hoàng Thị Mai", vks_ks, Role.CLERK),
        ("ks_leader", "Đinh Văn Sơn", vks_ks, Role.LEADER),
        ("ks_admin", "Lê Quang Vinh", vks_ks, Role.ADMIN),
        ("hg_staff", "Lục Thị Ngọc", vks_hg, Role.STAFF),
        ("hg_leader", "Vàng Seo Dũng", vks_hg, Role.LEADER),
    ]:
        world.users[name] = UserFactory(username=name.replace("_", "."), full_name=full_name, agency=agency, role=role)
    return world
