"""generate_national_data --scale 0.01: the right shape, proportional counts, deterministic, reusable."""

from __future__ import annotations

from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from agencies.models import Agency, AgencyKind, Locality, LocalityLevel
from dashboards import selectors
from demo import scale_data
from meetings.models import Directive, Meeting
from regulations.models import Regulation, RegulationParty


def test_generate_small_scale(db, capsys):
    call_command("generate_national_data", "--scale", "0.01", "--seed", "7")
    out = capsys.readouterr().out
    assert "Đã sinh" in out
    syn = Agency.objects.filter(code__startswith=scale_data.CODE_PREFIX)
    assert syn.count() >= 1500
    assert Locality.objects.filter(level=LocalityLevel.PROVINCE, name__startswith="Tỉnh thử nghiệm").count() == 34
    assert 340 <= Locality.objects.filter(level=LocalityLevel.REGION).count() <= 360
    assert syn.filter(kind=AgencyKind.PROCURACY).count() >= 390
    for kind in (AgencyKind.COURT, AgencyKind.POLICE_INVESTIGATION, AgencyKind.CIVIL_ENFORCEMENT):
        assert syn.filter(kind=kind).exists()
    assert Regulation.objects.count() == 500
    assert Meeting.objects.count() == 3000
    assert Directive.objects.count() == 2000
    assert User.objects.filter(username__startswith="syn.").count() == 50
    # 2-4 parties each, exactly one host
    per_reg = RegulationParty.objects.values("regulation_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_reg} <= {2, 3, 4}
    assert RegulationParty.objects.filter(role="host").count() == 500
    assert Regulation.objects.filter(superseded_on__isnull=False).exists()
    assert Regulation.objects.filter(last_review_on__isnull=False).exists()
    assert Meeting.regulations.through.objects.exists()
    # paths form the tree; every record sits on a locality inside it
    national = Locality.objects.get(level=LocalityLevel.NATIONAL, name__startswith="Toàn quốc (dữ liệu")
    assert Locality.objects.filter(path__startswith=national.path).count() == Locality.objects.count()
    # the derived columns follow the rules for every regulation
    for reg in Regulation.objects.all()[:200]:
        assert reg.next_review_due == selectors.rules.compute_next_review_due(reg)
    # the dashboard works on it for the synthetic national leader
    leader = User.objects.get(username="syn.lanhdao.toicao")
    dash = selectors.build(
        leader,
        None,
        selectors.parse_period({"period": "custom", "date_from": "01/01/2016", "date_to": "31/12/2026"}, dash_today())[
            0
        ],
    )
    assert dash.totals["interagency"] > 0 and len(dash.rows) == 35
    # a second run reuses the data
    call_command("generate_national_data", "--scale", "0.01")
    assert "giữ nguyên" in capsys.readouterr().out
    assert Regulation.objects.count() == 500


def dash_today():
    import datetime

    return datetime.date.today()


def test_counts_scale_proportionally():
    assert scale_data.counts_for(1.0) == {
        "regulations": 50_000,
        "meetings": 300_000,
        "directives": 200_000,
        "users": 5_000,
    }
    assert scale_data.counts_for(0.01) == {"regulations": 500, "meetings": 3_000, "directives": 2_000, "users": 50}
