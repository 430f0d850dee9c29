"""The dashboard's unit picker lists units as a tree, siblings in natural order (2 before 10)."""

import pytest

from agencies.models import AgencyKind, LocalityLevel
from dashboards.selectors import unit_choices
from tests.factories import AgencyFactory, LocalityFactory

pytestmark = pytest.mark.django_db


def test_provinces_in_natural_order_each_followed_by_its_units(world) -> None:
    made = {}
    for n in (10, 2, 1):
        province = LocalityFactory(name=f"Tỉnh thử nghiệm {n:02d}", level=LocalityLevel.PROVINCE, parent=world.national)
        made[n] = AgencyFactory(
            name=f"Viện kiểm sát nhân dân Tỉnh thử nghiệm {n:02d}", kind=AgencyKind.PROCURACY, locality=province
        )
        for k in (11, 3):
            area = LocalityFactory(name=f"Khu vực {k} - {n:02d}", level=LocalityLevel.DISTRICT, parent=province)
            AgencyFactory(
                name=f"Viện kiểm sát nhân dân khu vực {k} - Tỉnh {n:02d}", kind=AgencyKind.PROCURACY, locality=area
            )
    active, _dissolved = unit_choices(world.supreme_leader)
    labels = [label.replace("\u00a0", "") for _pk, label in active]
    tinh = [label for label in labels if "Tỉnh thử nghiệm" in label]
    assert tinh == [f"Viện kiểm sát nhân dân Tỉnh thử nghiệm {n:02d}" for n in (1, 2, 10)]
    i = labels.index("Viện kiểm sát nhân dân Tỉnh thử nghiệm 02")
    assert labels[i + 1 : i + 3] == [
        "Viện kiểm sát nhân dân khu vực 3 - Tỉnh 02",
        "Viện kiểm sát nhân dân khu vực 11 - Tỉnh 02",
    ]
    assert labels[0] == world.vks_tc.name
