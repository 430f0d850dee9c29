"""The status and review-schedule rules, in Python and in SQL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from regulations import rules
from regulations.models import Regulation, RegulationStatus, ReviewState
from tests.factories import AgencyFactory
from tests.regulations.factories import RegulationFactory

D = datetime.date


@dataclass
class Reg:
    in_force_from: datetime.date = D(2022, 1, 10)
    expires_on: datetime.date | None = None
    review_interval_months: int = 12
    final_review_on: datetime.date | None = None
    amended_on: datetime.date | None = None
    superseded_on: datetime.date | None = None
    repealed_on: datetime.date | None = None
    last_review_on: datetime.date | None = None
    next_review_due: datetime.date | None = None

    def scheduled(self) -> Reg:
        self.next_review_due = rules.compute_next_review_due(self)
        return self


def test_no_review_yet_counts_from_entry_into_force():
    assert rules.compute_next_review_due(Reg(in_force_from=D(2022, 3, 15))) == D(2023, 3, 15)


def test_counts_from_last_review():
    reg = Reg(in_force_from=D(2020, 1, 1), last_review_on=D(2022, 6, 25), review_interval_months=6)
    assert rules.compute_next_review_due(reg) == D(2022, 12, 25)


def test_end_of_month_is_clamped():
    assert rules.add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.compute_next_review_due(Reg(in_force_from=D(2023, 1, 31), review_interval_months=1)) == D(2023, 2, 28)


def test_29_february_plus_twelve_months():
    assert rules.compute_next_review_due(Reg(in_force_from=D(2024, 2, 29))) == D(2025, 2, 28)
    assert rules.add_months(D(2024, 2, 29), 48) == D(2028, 2, 29)


def test_add_months_crosses_years():
    assert rules.add_months(D(2022, 11, 30), 3) == D(2023, 2, 28)
    assert rules.add_months(D(2022, 12, 31), 12) == D(2023, 12, 31)


@pytest.mark.parametrize("attr", ["superseded_on", "repealed_on"])
def test_replaced_or_repealed_has_no_review(attr):
    reg = Reg(**{attr: D(2022, 6, 1)}).scheduled()
    assert reg.next_review_due is None
    assert rules.review_state_on(reg, D(2022, 7, 1)) == ReviewState.NONE


def test_review_after_expiry_is_not_due():
    reg = Reg(in_force_from=D(2022, 1, 10), expires_on=D(2022, 12, 31)).scheduled()
    assert reg.next_review_due is None
    assert rules.status_on(reg, D(2023, 1, 1)) == RegulationStatus.EXPIRED
    assert rules.review_state_on(reg, D(2023, 1, 1)) == ReviewState.NONE


def test_expired_regulation_with_due_date_has_no_review_state():
    reg = Reg(in_force_from=D(2022, 1, 10), expires_on=D(2023, 6, 1)).scheduled()
    assert reg.next_review_due == D(2023, 1, 10)
    assert rules.review_state_on(reg, D(2023, 7, 1)) == ReviewState.NONE


def test_final_review_sooner_wins():
    reg = Reg(in_force_from=D(2022, 1, 10), final_review_on=D(2022, 9, 1))
    assert rules.compute_next_review_due(reg) == D(2022, 9, 1)
    later = Reg(in_force_from=D(2022, 1, 10), final_review_on=D(2024, 9, 1))
    assert rules.compute_next_review_due(later) == D(2023, 1, 10)


def test_final_review_already_passed_is_ignored():
    reg = Reg(in_force_from=D(2020, 1, 10), final_review_on=D(2021, 1, 1), last_review_on=D(2022, 1, 1))
    assert rules.compute_next_review_due(reg) == D(2023, 1, 1)


def test_due_soon_and_overdue_boundaries():
    reg = Reg(in_force_from=D(2022, 1, 10)).scheduled()  # due 10/01/2023
    assert rules.review_state_on(reg, D(2022, 12, 10)) == ReviewState.NOT_DUE  # 31 days
    assert rules.review_state_on(reg, D(2022, 12, 11)) == ReviewState.DUE_SOON  # 30 days
    assert rules.review_state_on(reg, D(2023, 1, 10)) == ReviewState.DUE_SOON  # the day itself
    assert rules.review_state_on(reg, D(2023, 1, 11)) == ReviewState.OVERDUE


def test_statuses_in_order():
    reg = Reg(in_force_from=D(2022, 1, 10), amended_on=D(2022, 6, 1), superseded_on=D(2023, 1, 1))
    assert rules.status_on(reg, D(2022, 1, 1)) == RegulationStatus.DRAFT
    assert rules.status_on(reg, D(2022, 2, 1)) == RegulationStatus.IN_FORCE
    assert rules.status_on(reg, D(2022, 7, 1)) == RegulationStatus.AMENDED
    assert rules.status_on(reg, D(2023, 1, 1)) == RegulationStatus.SUPERSEDED
    reg.repealed_on = D(2023, 1, 1)
    assert rules.status_on(reg, D(2023, 1, 1)) == RegulationStatus.REPEALED


def test_draft_has_no_review_state():
    reg = Reg(in_force_from=D(2030, 1, 1)).scheduled()
    assert rules.review_state_on(reg, D(2029, 12, 20)) == ReviewState.NONE


@pytest.mark.django_db
def test_sql_forms_agree_with_python_forms():
    host = AgencyFactory()
    specs = [
        {},
        {"in_force_from": D(2030, 1, 1), "signed_on": D(2029, 12, 1)},
        {"expires_on": D(2022, 12, 31)},
        {"expires_on": D(2023, 6, 30)},
        {"amended_on": D(2022, 5, 1)},
        {"amended_on": D(2030, 5, 1)},
        {"superseded_on": D(2023, 1, 1)},
        {"superseded_on": D(2031, 1, 1)},
        {"repealed_on": D(2022, 3, 1)},
        {"final_review_on": D(2022, 4, 1)},
        {"in_force_from": D(2024, 2, 29), "signed_on": D(2024, 2, 29)},
        {"in_force_from": D(2022, 12, 20), "signed_on": D(2022, 12, 20)},
        {"in_force_from": D(2021, 12, 20), "signed_on": D(2021, 12, 20)},
    ]
    for spec in specs:
        derived = {k: spec.pop(k) for k in list(spec) if k in ("amended_on", "superseded_on", "repealed_on")}
        reg = RegulationFactory(host_agency=host, **spec)
        reg.__dict__.update(derived)
        reg.next_review_due = rules.compute_next_review_due(reg)
        Regulation.objects.filter(pk=reg.pk).update(next_review_due=reg.next_review_due, **derived)
    days = [
        D(2021, 1, 1),
        D(2022, 3, 1),
        D(2022, 12, 15),
        D(2023, 1, 10),
        D(2023, 1, 11),
        D(2023, 7, 1),
        D(2025, 2, 1),
        D(2031, 6, 1),
    ]
    rows = list(Regulation.objects.all())
    assert len(rows) == len(specs)
    for day in days:
        annotated = dict(rules.with_status(Regulation.objects.all(), day).values_list("pk", "_status"))
        for reg in rows:
            assert annotated[reg.pk] == rules.status_on(reg, day), (reg, day)
        for state in ReviewState.values:
            in_sql = set(Regulation.objects.filter(rules.review_state_q(state, day)).values_list("pk", flat=True))
            in_python = {reg.pk for reg in rows if rules.review_state_on(reg, day) == state}
            assert in_sql == in_python, (state, day)
