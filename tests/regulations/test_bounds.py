"""Review interval 1..60 months, chapters 1..200, articles 1..2000: a Vietnamese form error, and a
database that refuses anything else."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from regulations.models import Regulation
from tests.regulations.factories import RegulationFactory
from tests.regulations.test_views import form_data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("review_interval_months", "0", "Chu kỳ sơ kết (tháng) phải từ 1 đến 60 tháng."),
        ("review_interval_months", "61", "Chu kỳ sơ kết (tháng) phải từ 1 đến 60 tháng."),
        ("review_interval_months", "32768", "Chu kỳ sơ kết (tháng) phải từ 1 đến 60 tháng."),
        ("review_interval_months", "", "Vui lòng nhập chu kỳ sơ kết (tháng)."),
        ("chapters_count", "0", "Số chương phải từ 1 đến 200 chương."),
        ("chapters_count", "40000", "Số chương phải từ 1 đến 200 chương."),
        ("articles_count", "2001", "Số điều phải từ 1 đến 2000 điều."),
        ("articles_count", "99999999999", "Số điều phải từ 1 đến 2000 điều."),
        ("articles-0-number", "32768", "Điều số phải từ 1 đến 2000."),
    ],
)
def test_out_of_range_numbers_are_form_errors(world, client_for, name, value, message):
    response = client_for(world.ks_staff).post(reverse("regulations:create"), form_data(world, **{name: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{value}"' in html or not value  # what was typed stays in the box
    assert not Regulation.objects.exists()


@pytest.mark.django_db
def test_bounds_are_accepted(world, client_for):
    data = form_data(world, review_interval_months="60", chapters_count="200", articles_count="2000")
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 302
    reg = Regulation.objects.get()
    assert (reg.review_interval_months, reg.chapters_count, reg.articles_count) == (60, 200, 2000)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("review_interval_months", 0),
        ("review_interval_months", 61),
        ("chapters_count", 0),
        ("chapters_count", 201),
        ("articles_count", 0),
        ("articles_count", 2001),
    ],
)
def test_database_refuses_out_of_range(world, name, value):
    reg = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    with pytest.raises(IntegrityError), transaction.atomic():
        Regulation.objects.filter(pk=reg.pk).update(**{name: value})
