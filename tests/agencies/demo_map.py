"""The demo agencies (agencies/demo/agencies.csv: the 2025 map of Khánh Hòa, with the dissolved
Khánh Sơn district offices and their successors) and users of its units."""

from __future__ import annotations

from pathlib import Path

from accounts.models import Role, User
from agencies.models import Agency
from agencies.services import import_csv
from regulations.defaults import ensure_default_fields
from regulations.models import Field
from tests.factories import UserFactory

DEMO = Path(__file__).resolve().parents[2] / "agencies" / "demo"


def load_demo_agencies() -> None:
    ensure_default_fields(Field)
    import_csv((DEMO / "agencies.csv").read_text("utf-8"), None)


def user_of(code: str, role: str = Role.STAFF) -> User:
    agency = Agency.objects.get(code=code)
    return UserFactory(username=f"{code.lower()}.{role}", agency=agency, role=role)
