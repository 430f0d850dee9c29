"""An export whose filters do not validate is refused with the reason, not made without them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["regulations:export_csv", "regulations:export_xlsx", "regulations:register_pdf"])
def test_an_out_of_scope_or_garbage_filter_refuses_the_export(world, client_for, url_name) -> None:
    client = client_for(world.ks_staff)
    for query in (f"agency={world.vks_hg.pk}&review_state=overdue", "agency=" + "9" * 25, "field=%00"):
        response = client.get(reverse(url_name) + "?" + query, follow=True)
        page = response.content.decode()
        assert response.redirect_chain and response.redirect_chain[-1][0].startswith(reverse("regulations:list"))
        assert "Bộ lọc có giá trị không hợp lệ" in page and "chưa xuất dữ liệu" in page
    assert client.get(reverse(url_name) + "?review_state=overdue").status_code == 200
