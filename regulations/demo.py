"""Demo regulations built from the seed articles. Idempotent: keyed by (host agency code, number).

The meetings demo links review meetings to these by (host code, number): keep the numbers as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction

from agencies.models import Agency
from regulations import services
from regulations.models import Article, Field, PartyRole, Regulation, RegulationParty, RegulationRelation, RelationKind

D = datetime.date
ILLUSTRATIVE = "Ngày ký minh họa (ngày ký thực tế không có trong tài liệu nguồn)."

HG_ARTICLES = [
    (1, 1, "Phạm vi điều chỉnh"),
    (1, 2, "Đối tượng áp dụng"),
    (1, 3, "Nguyên tắc phối hợp"),
    (2, 4, "Phối hợp lãnh đạo, chỉ đạo thực hiện chức năng, nhiệm vụ"),
    (2, 5, "Phối hợp trong công tác cán bộ"),
    (2, 6, "Phối hợp tổ chức phiên tòa rút kinh nghiệm"),
    (2, 7, "Phối hợp trao đổi thông tin, giải quyết vướng mắc"),
    (3, 8, "Trách nhiệm thi hành"),
    (3, 9, "Sơ kết, tổng kết và sửa đổi, bổ sung quy chế"),
]

KS_TOPICS = [
    (
        "Quy chế phối hợp trong công tác tiếp nhận, giải quyết nguồn tin về tội phạm và giải quyết án hình sự",
        ["VKS-KS", "CSDT-KS", "TA-KS"],
        ["crime_reports", "criminal"],
        D(2020, 3, 16),
    ),
    (
        "Quy chế phối hợp trong giai đoạn truy tố và xét xử vụ án hình sự",
        ["VKS-KS", "TA-KS"],
        ["criminal"],
        D(2020, 6, 10),
    ),
    (
        "Quy chế phối hợp trong việc Tòa án giao, gửi bản án, quyết định, ra quyết định hoặc ủy thác ra quyết định "
        "thi hành án, gửi các quyết định thi hành án hình sự",
        ["VKS-KS", "TA-KS", "CSDT-KS", "THADS-KS"],
        ["criminal_enforcement", "civil_enforcement"],
        D(2020, 9, 8),
    ),
    ("Quy chế phối hợp trong thi hành án dân sự", ["VKS-KS", "THADS-KS"], ["civil_enforcement"], D(2020, 12, 15)),
    (
        "Quy chế phối hợp trong giải quyết vụ việc dân sự, hôn nhân gia đình, kinh doanh thương mại, lao động, "
        "hành chính và những việc khác theo quy định của pháp luật",
        ["VKS-KS", "TA-KS"],
        ["civil_admin"],
        D(2021, 3, 12),
    ),
    (
        "Quy chế phối hợp trong giải quyết khiếu nại, tố cáo",
        ["VKS-KS", "TA-KS", "CSDT-KS", "THADS-KS"],
        ["complaints"],
        D(2021, 6, 18),
    ),
    (
        "Quy chế phối hợp chỉ đạo, kiểm tra, hướng dẫn việc thực hiện các hoạt động tiếp nhận, kiểm tra, xác minh "
        "sơ bộ tố giác, tin báo về tội phạm của Công an cấp xã",
        ["VKS-KS", "CSDT-KS"],
        ["crime_reports"],
        D(2021, 9, 20),
    ),
]


def _ensure(
    host_code: str,
    number: str,
    *,
    parties: list[tuple[str, str, str, str]],
    fields: list[str],
    articles: Sequence[tuple[int, int, str]] = (),
    **values,
) -> Regulation | None:
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[host_code, *[p[0] for p in parties]])}
    host = agencies.get(host_code)
    if host is None:
        return None
    regulation, created = Regulation.objects.get_or_create(
        host_agency=host, number=number, defaults={**values, "locality": host.locality}
    )
    if created:
        regulation.fields.set(Field.objects.filter(code__in=fields))
        for order, (code, name, title, capacity) in enumerate(parties):
            if code in agencies:
                RegulationParty.objects.create(
                    regulation=regulation,
                    agency=agencies[code],
                    order=order,
                    role=PartyRole.HOST if code == host_code else PartyRole.PARTY,
                    signatory_name=name,
                    signatory_title=title,
                    signing_capacity=capacity,
                )
        for chapter, article_number, heading in articles:
            Article.objects.create(regulation=regulation, chapter=chapter, number=article_number, heading=heading)
        services.refresh_search_text(regulation)
    return regulation


@transaction.atomic
def load() -> None:
    nq2016 = _ensure(
        "BCSD-VKSTC",
        "01/2016/NQLT-BCSĐVKSTC-BCSĐTATC",
        type="joint_resolution",
        signed_on=D(2016, 3, 22),
        in_force_from=D(2016, 3, 22),
        title="Nghị quyết liên tịch về tăng cường công tác phối hợp lãnh đạo, chỉ đạo thực hiện chức năng, nhiệm vụ",
        summary="Phối hợp lãnh đạo, chỉ đạo giữa Ban cán sự đảng VKSND tối cao và Ban cán sự đảng TAND tối cao.",
        parties=[("BCSD-VKSTC", "", "", ""), ("BCSD-TATC", "", "", "")],
        fields=["leadership"],
    )
    nq2023 = _ensure(
        "BCSD-VKSTC",
        "01/2023/NQLT-BCSĐVKSTC-BCSĐTATC",
        type="joint_resolution",
        signed_on=D(2023, 5, 11),
        in_force_from=D(2023, 5, 11),
        title="Nghị quyết liên tịch về tăng cường công tác phối hợp lãnh đạo, chỉ đạo thực hiện chức năng, nhiệm vụ "
        "giữa Ban cán sự đảng Viện kiểm sát nhân dân tối cao và Ban cán sự đảng Tòa án nhân dân tối cao",
        notes="Ký trước sự chứng kiến của Chủ tịch nước Võ Văn Thưởng",
        parties=[
            (
                "BCSD-VKSTC",
                "Lê Minh Trí",
                "Bí thư Ban cán sự đảng, Viện trưởng VKSND tối cao",
                "TM. Ban cán sự đảng VKSND tối cao",
            ),
            (
                "BCSD-TATC",
                "Nguyễn Hòa Bình",
                "Bí thư Ban cán sự đảng, Chánh án TAND tối cao",
                "TM. Ban cán sự đảng TAND tối cao",
            ),
        ],
        fields=["leadership"],
    )
    if nq2016 and nq2023:
        RegulationRelation.objects.get_or_create(
            source=nq2023, target=nq2016, kind=RelationKind.SUPERSEDES, defaults={"effective_on": D(2023, 5, 11)}
        )

    _ensure(
        "BCSD-VKS-HG",
        "01/QCPH-BCSĐVKS-BCSĐTA",
        type="coordination_rule",
        signed_on=D(2022, 8, 9),
        in_force_from=D(2022, 8, 9),
        chapters_count=3,
        articles_count=9,
        title="Quy chế phối hợp giữa Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh Hà Giang và Ban cán sự Đảng "
        "Tòa án nhân dân tỉnh Hà Giang về việc tăng cường lãnh đạo, chỉ đạo thực hiện chức năng, nhiệm vụ",
        notes="Ký tại Hội trường A, Viện kiểm sát nhân dân tỉnh Hà Giang.",
        parties=[
            (
                "BCSD-VKS-HG",
                "Đặng Bình Giang",
                "Bí thư Ban cán sự đảng, Viện trưởng VKSND tỉnh Hà Giang",
                "TM. Ban cán sự đảng VKSND tỉnh Hà Giang",
            ),
            (
                "BCSD-TA-HG",
                "Thân Quốc Hùng",
                "Bí thư Ban cán sự đảng, Chánh án TAND tỉnh Hà Giang",
                "TM. Ban cán sự đảng TAND tỉnh Hà Giang",
            ),
        ],
        fields=["leadership"],
        articles=HG_ARTICLES,
    )
    _ensure(
        "VKS-HG",
        "02/QCPH-VKS-TA",
        type="coordination_rule",
        signed_on=D(2019, 4, 15),
        in_force_from=D(2019, 4, 15),
        title="Quy chế phối hợp giữa Viện kiểm sát nhân dân tỉnh Hà Giang và Tòa án nhân dân tỉnh Hà Giang trong "
        "giải quyết các vụ việc dân sự, vụ án hành chính, kinh doanh thương mại",
        notes=ILLUSTRATIVE,
        parties=[("VKS-HG", "", "", ""), ("TA-HG", "", "", "")],
        fields=["civil_admin"],
    )
    _ensure(
        "VKS-HG",
        "01/QCPH-VKS-TA",
        type="coordination_rule",
        signed_on=D(2020, 2, 20),
        in_force_from=D(2020, 2, 20),
        title="Quy chế phối hợp giữa Viện kiểm sát nhân dân tỉnh Hà Giang và Tòa án nhân dân tỉnh Hà Giang trong "
        "việc tổ chức phiên tòa rút kinh nghiệm",
        notes=ILLUSTRATIVE,
        parties=[("VKS-HG", "", "", ""), ("TA-HG", "", "", "")],
        fields=["criminal", "civil_admin"],
    )
    for index, (title, codes, fields, signed) in enumerate(KS_TOPICS, start=1):
        _ensure(
            "VKS-KS",
            f"{index:02d}/QCPH-VKSKS",
            type="coordination_rule",
            signed_on=signed,
            in_force_from=signed,
            title=title,
            notes=ILLUSTRATIVE,
            parties=[(code, "", "", "") for code in codes],
            fields=fields,
        )
    services.refresh_derived_dates(Regulation.objects.values_list("pk", flat=True))
