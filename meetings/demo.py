"""Demo meetings from the seeds. Idempotent: each meeting is keyed by (host agency, title, start)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from agencies.models import Agency, Person
from meetings import services
from meetings.models import DocumentType, Meeting, MeetingKind, MeetingState
from regulations.models import Regulation


def _at(year: int, month: int, day: int, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def _regulations(host_code: str, *numbers: str) -> list[Regulation]:
    return list(Regulation.objects.filter(host_agency__code=host_code, number__in=numbers))


def _person(name: str) -> dict:
    person = Person.objects.filter(full_name=name).first()
    return {"person": person, "full_name": name}


def _meeting(host: Agency, title: str, starts_at, **fields) -> Meeting | None:
    existing = Meeting.objects.filter(host_agency=host, title=title, starts_at=starts_at).first()
    if existing is not None:
        return None
    rows = fields.pop("rows", services.MeetingRows())
    state = fields.pop("state", MeetingState.HELD)
    data = {
        "host_agency": host,
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=3),
        **fields,
    }
    meeting = services.save_meeting(user=None, data=data, rows=rows)
    if state != MeetingState.PLANNED:
        services.set_state(meeting, MeetingState.HELD)
    return meeting


# Seed 004 as written: the opening and the seven directives with their second paragraphs and dash
# items (one line each); the units each directive names, or none (toàn Ngành); no deadline, none is set.
NOTICE_DIRECTIVES = [
    (
        1,
        "Thủ trưởng các đơn vị thuộc VKSND tối cao, Viện trưởng VKSND các cấp rà soát toàn bộ nhiệm vụ, mục "
        "tiêu, kế hoạch công tác từ đầu năm, xác định những khâu công tác chưa đạt, còn tồn tại, hạn chế, từ "
        "đó đề ra giải pháp triển khai công tác 6 tháng cuối năm để hoàn thành tốt chỉ tiêu công tác và khắc "
        "phục triệt để những tồn tại hạn chế của đơn vị.\n"
        "Trong quá trình thực hiện chức năng, nhiệm vụ của Viện kiểm sát phải phối hợp thực hiện nghiêm Quy "
        "chế phối hợp giữa Ban Tuyên giáo các cấp với cơ quan Nhà nước cùng cấp trong việc thực thi pháp "
        "luật, triển khai kế hoạch phát triển kinh tế xã hội, giải quyết những vấn đề nổi cộm nhân dân quan "
        "tâm (ban hành theo Quyết định số 238-QĐ/TW ngày 30/9/2020 của Ban Bí thư Trung ương Đảng).",
        None,
        "Thủ trưởng các đơn vị thuộc VKSND tối cao, Viện trưởng VKSND các cấp",
    ),
    (
        2,
        "Viện kiểm sát nhân dân các địa phương chủ động phối hợp với các cơ quan tiến hành tố tụng cùng cấp "
        "để kịp thời giải quyết, tháo gỡ những khó khăn, vướng mắc khi giải quyết các vụ án, vụ việc trong "
        "bối cảnh bị ảnh hưởng tác động do dịch bệnh Covid-19; nếu có khó khăn, vướng mắc kịp thời báo cáo "
        "thỉnh thị cấp trên để được hướng dẫn, chỉ đạo giải quyết.\n"
        "Các đồng chí Phó Viện trưởng VKSND tối cao chỉ đạo các đơn vị nghiệp vụ của VKSND tối cao giải quyết"
        " những vướng mắc của các Viện kiểm sát địa phương (theo Công văn số 2348/VKSTC-VP ngày 14/6/2021 của"
        " VKSND tối cao) theo các lĩnh vực phân công phụ trách.",
        None,
        "Viện kiểm sát nhân dân các địa phương",
    ),
    (
        3,
        "Tiếp tục kiện toàn tổ chức, bộ máy Viện kiểm sát các cấp theo hướng tinh gọn, hiệu lực, hiệu quả; "
        "tăng cường điều động, luân chuyển, biệt phái cán bộ, kiểm sát viên giữa Viện kiểm sát các cấp để đào"
        " tạo toàn diện, ngăn ngừa tiêu cực, thực hiện tốt quy định về phòng, chống tham nhũng và để bảo vệ "
        "cán bộ. Giao Vụ 15 tham mưu lãnh đạo VKSND tối cao, đồng thời phối hợp, hướng dẫn Viện trưởng VKSND "
        "cấp tỉnh rà soát đội ngũ cán bộ, kiểm sát viên để xây dựng Kế hoạch và lộ trình thực hiện.",
        "V15-VKSTC",
        "",
    ),
    (
        4,
        "Một số khâu, lĩnh vực công tác chuyên môn nghiệp vụ cần chú ý tăng cường chất lượng công tác:\n"
        "- Viện kiểm sát các cấp quán triệt, thực hiện nghiêm Chỉ thị 06/CT-VKSTC ngày 28/6/2021 của Viện "
        "trưởng VKSND tối cao về tăng cường trách nhiệm, hiệu quả thực hành quyền công tố, kiểm sát việc áp "
        "dụng và thi hành biện pháp tư pháp bắt buộc chữa bệnh trong điều tra, truy tố, xét xử, thi hành án. "
        "Giao Vụ 8 VKSND tối cao theo dõi, hướng dẫn triển khai thực hiện trong toàn Ngành.\n"
        "- Vụ 7, Vụ 9, Vụ 10 VKSND tối cao phối hợp chặt chẽ với các VKSND cấp cao trong thực hiện các biện "
        "pháp nhằm nâng tỷ lệ giải quyết đơn đề nghị kháng nghị giám đốc thẩm, tái thẩm; trường hợp phát hiện"
        " có vi phạm pháp luật thì báo cáo lãnh đạo VKSND tối cao phụ trách để trực tiếp thụ lý giải quyết; "
        "cần tập trung vào công tác tổng kết nghiệp vụ, hướng dẫn địa phương trong thực hiện các khâu công "
        "tác này nhằm đạt chỉ tiêu theo Nghị quyết của Quốc hội đã đề ra.\n"
        "- Cơ quan điều tra VKSND tối cao chủ động phối hợp với các đơn vị liên quan trong công tác đào tạo, "
        "rèn luyện nhằm nâng chất đội ngũ Điều tra viên, cán bộ điều tra có bản lĩnh chính trị, tinh thông "
        "nghiệp vụ và đạo đức nghề nghiệp.",
        "V8-VKSTC",
        "Vụ 7, Vụ 9, Vụ 10 VKSND tối cao, Cơ quan điều tra VKSND tối cao",
    ),
    (
        5,
        "Tăng cường ứng dụng công nghệ thông tin trong các hoạt động, lĩnh vực công tác của Ngành. VKSND tối "
        "cao đã chủ động phối hợp với Bộ Thông tin và truyền thông trong quá trình xây dựng, phát triển các "
        "ứng dụng công nghệ thông tin bảo đảm tính bảo mật thông tin, ứng dụng hiệu quả vào các khâu công tác"
        " thực hiện chức năng, nhiệm vụ của Ngành. Giao Cục 2 chịu trách nhiệm tham mưu, đề xuất lãnh đạo "
        "Viện trong quá trình thực hiện.",
        "C2-VKSTC",
        "",
    ),
    (
        6,
        "Các đơn vị báo chí của Ngành, các đơn vị nghiệp vụ và Viện kiểm sát các cấp phối hợp chặt chẽ trong "
        "công tác tuyên truyền về tấm gương tiêu biểu của cán bộ kiểm sát viên trong thực hiện nhiệm vụ; chú "
        "ý tới công tác tuyên truyền, phổ biến pháp luật; Báo Bảo vệ pháp luật phối hợp với Đài Truyền hình "
        "Việt Nam để xây dựng bộ phim “Hành trình công lý”.",
        None,
        "Các đơn vị báo chí của Ngành, các đơn vị nghiệp vụ, Viện kiểm sát các cấp",
    ),
    (
        7,
        "Toàn Ngành thực hiện các yêu cầu của Đảng, Chính phủ trong công tác phòng, chống dịch Covid-19. Yêu "
        "cầu các đơn vị, công chức, người lao động nâng cao ý thức phòng, chống dịch trong thực hiện nhiệm vụ"
        " nhằm bảo đảm an toàn cho bản thân, gia đình và cơ quan, đơn vị. Thủ trưởng, Viện trưởng Viện kiểm "
        "sát các cấp chủ động có biện pháp công tác phù hợp với đơn vị nhằm bảo đảm thực hiện tốt nhiệm vụ và"
        " phòng chống dịch bệnh",
        None,
        "",
    ),
]

NOTICE_INTRO = (
    "Ngày 01/7/2021, Viện kiểm sát nhân dân tối cao tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm 2021"
    " của ngành Kiểm sát. Phát biểu kết luận Hội nghị, Viện trưởng Viện kiểm sát nhân dân tối cao đã ghi "
    "nhận, biểu dương tinh thần trách nhiệm và kết quả công tác mà các đơn vị toàn Ngành đã đạt được "
    "trong bối cảnh đại dịch Covid -19 đang diễn ra phức tạp tại nhiều địa phương. Đồng thời, Viện trưởng"
    " yêu cầu toàn Ngành tiếp tục thực hiện nghiêm Chỉ thị công tác năm 2021, chương trình, kế hoạch công"
    " tác trọng tâm của từng đơn vị, trong đó phải chú ý tới công tác phòng chống bệnh dịch Covid-19 là "
    "quan trọng và cấp bách nhất, tập trung chỉ đạo thực hiện tốt một số yêu cầu sau:"
)


def _work_review() -> None:
    host = _agency("VKSTC")
    if host is None:
        return
    directives = []
    for number, text, code, assignee in NOTICE_DIRECTIVES:
        agency = _agency(code) if code else None
        directives.append(
            {
                "number": number,
                "text": text,
                "assigned_agency": agency,
                "assignee_text": assignee,
                "deadline": None,
            }
        )
    meeting = _meeting(
        host,
        "Hội nghị sơ kết công tác 6 tháng đầu năm 2021 của ngành Kiểm sát",
        _at(2021, 7, 1),
        kind=MeetingKind.WORK_REVIEW,
        place="Trụ sở Viện kiểm sát nhân dân tối cao",
        rows=services.MeetingRows(attendees=[{**_person("Lê Minh Trí"), "role": "chair"}], directives=directives),
    )
    if meeting is None:
        return
    document = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type=DocumentType.NOTICE,
        data={
            "governing_name": "",
            "issuing_name": "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
            "place_name": "Hà Nội",
            "issued_on": datetime.date(2021, 7, 20),
            "subject": (
                "Chỉ đạo của Viện trưởng VKSND tối cao\ntại Hội nghị sơ kết công tác 6 tháng đầu năm 2021 của Ngành"
            ),
            "opening": NOTICE_INTRO,
            "body": "",
            "signer_capacity": "TL. VIỆN TRƯỞNG",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Đỗ Văn Phương",
            "recipients_report": "Viện trưởng VKSND tối cao\nPhó Viện trưởng VKSND tối cao",
            # Grouped as the seed brackets them: two to report to, two to carry out, four unmarked.
            "recipients_act": "Kiểm sát viên VKSND tối cao\nThủ trưởng các đơn vị thuộc VKSND tối cao",
            "recipients_other": "VKSQS Trung ương\nViện trưởng VKSND cấp cao\nViện trưởng VKSND cấp tỉnh\n"
            "Viện trưởng VKSQS cấp quân khu",
            "recipients_filed": "Lưu: VP (VT, PTMTH).",
        },
    )
    services.finalise_document(document, user=None, render=False)


def load() -> None:
    bcsd_tc, vks_tc = _agency("BCSD-VKSTC"), _agency("VKSTC")
    if bcsd_tc is not None:
        _meeting(
            bcsd_tc,
            "Hội nghị sơ kết 6 năm thực hiện Nghị quyết liên tịch số 01/2016",
            _at(2022, 6, 25),
            kind=MeetingKind.INTERIM_REVIEW,
            place="Trụ sở Viện kiểm sát nhân dân tối cao",
            regulations=_regulations("BCSD-VKSTC", "01/2016/NQLT-BCSĐVKSTC-BCSĐTATC"),
            rows=services.MeetingRows(
                attendees=[
                    {**_person("Lê Minh Trí"), "role": "chair"},
                    {**_person("Nguyễn Hòa Bình"), "role": "co_chair"},
                ]
            ),
        )
        _meeting(
            bcsd_tc,
            "Lễ ký kết Nghị quyết liên tịch giữa Ban cán sự đảng VKSND tối cao và TAND tối cao",
            _at(2023, 5, 11),
            kind=MeetingKind.SIGNING,
            place="Hà Nội",
            regulations=_regulations("BCSD-VKSTC", "01/2023/NQLT-BCSĐVKSTC-BCSĐTATC"),
            rows=services.MeetingRows(
                attendees=[
                    {**_person("Lê Minh Trí"), "role": "chair"},
                    {**_person("Nguyễn Hòa Bình"), "role": "co_chair"},
                ]
            ),
        )
    bcsd_hg = _agency("BCSD-VKS-HG")
    if bcsd_hg is not None:
        _meeting(
            bcsd_hg,
            "Lễ ký kết Quy chế phối hợp giữa Ban cán sự đảng VKSND và TAND tỉnh Hà Giang",
            _at(2022, 8, 9),
            kind=MeetingKind.SIGNING,
            place="Hội trường A, trụ sở Viện kiểm sát nhân dân tỉnh Hà Giang",
            regulations=_regulations("BCSD-VKS-HG", "01/QCPH-BCSĐVKS-BCSĐTA"),
            rows=services.MeetingRows(
                attendees=[
                    {**_person("Đặng Bình Giang"), "role": "chair"},
                    {**_person("Thân Quốc Hùng"), "role": "co_chair"},
                ]
            ),
        )
    if vks_tc is not None:
        sites = [
            "Trường Đại học Kiểm sát Hà Nội",
            "Trường Đào tạo, bồi dưỡng nghiệp vụ Kiểm sát tại TP. Hồ Chí Minh",
            "Đại diện Văn phòng VKSND tối cao tại TP. Hồ Chí Minh",
            "Viện kiểm sát quân sự trung ương",
            "VKSND cấp cao tại Đà Nẵng",
            "VKSND cấp cao tại TP. Hồ Chí Minh",
            "VKSND cấp tỉnh, cấp huyện",
        ]
        attendees = [{**_person("Lê Minh Trí"), "role": "chair"}] + [
            {**_person(name), "role": "attendee"}
            for name in ("Nguyễn Hải Trâm", "Nguyễn Duy Giảng", "Lại Văn Loan", "Lê Xuân Lộc", "Nghiêm Trọng Tân")
        ]
        _meeting(
            vks_tc,
            "Hội nghị rút kinh nghiệm thông qua công tác thực hành quyền công tố, kiểm sát hoạt động "
            "tư pháp nhằm hạn chế vi phạm và tội phạm trong ngành Kiểm sát nhân dân",
            _at(2023, 11, 10),
            kind=MeetingKind.LESSONS_LEARNED,
            place="Trụ sở Viện kiểm sát nhân dân tối cao",
            rows=services.MeetingRows(attendees=attendees, remote_sites=[{"name": s, "agency": None} for s in sites]),
        )
    _work_review()
    _khanh_son()


def _khanh_son() -> None:
    host = _agency("VKS-KS")
    if host is None:
        return
    partners = [a for a in (_agency("TA-KS"), _agency("CSDT-KS"), _agency("THADS-KS")) if a]

    def attendees() -> list[dict]:
        # Demo names (fictitious): the minutes' signature blocks print them.
        rows = [
            {"agency": host, "role": "chair", "position": "Viện trưởng", "full_name": "Nguyễn Văn Hải"},
            {"agency": host, "role": "secretary", "position": "Kiểm sát viên", "full_name": "Trần Thị Lan"},
        ]
        return rows + [{"agency": partner, "role": "attendee"} for partner in partners]

    drafts = []
    for index in range(1, 8):
        number = f"{index:02d}/QCPH-VKSKS"
        year = 2022 + (index - 1) // 3
        starts = _at(year, 3 + (index % 3) * 3, 15)
        directives = [
            {
                "number": 1,
                "text": "Rà soát, đề xuất sửa đổi, bổ sung các điều khoản không còn phù hợp của quy chế.",
                "assigned_agency": host,
                "deadline": starts.date() + datetime.timedelta(days=60),
            },
            {
                "number": 2,
                "text": "Báo cáo kết quả thực hiện quy chế định kỳ 6 tháng.",
                "assigned_agency": partners[0] if partners else None,
                "deadline": starts.date() + datetime.timedelta(days=180),
            },
        ]
        meeting = _meeting(
            host,
            f"Sơ kết thực hiện Quy chế phối hợp số {number}",
            starts,
            kind=MeetingKind.INTERIM_REVIEW,
            place="Hội trường VKSND huyện Khánh Sơn",
            regulations=_regulations("VKS-KS", number),
            co_hosts=partners,
            discussion="Các đơn vị báo cáo kết quả phối hợp, nêu những khó khăn, vướng mắc và đề xuất giải pháp.",
            conclusions="Các đơn vị đã thực hiện nghiêm túc quy chế; tiếp tục duy trì chế độ thông tin, báo cáo.",
            rows=services.MeetingRows(attendees=attendees(), directives=directives),
        )
        if meeting is not None and index <= 4 and meeting.regulations.exists():
            # Recorded as issued on the meeting's day, by the host of that day.
            drafts.append(
                services.save_document_draft(
                    user=None, meeting=meeting, doc_type=DocumentType.MINUTES, data={"issued_on": starts.date()}
                )
            )
            first = meeting.directives.get(number=1)
            services.mark_directive_done(
                first, note="Đã rà soát, báo cáo lãnh đạo.", on=first.deadline - datetime.timedelta(days=5)
            )
    # Numbers are taken in date order, as a register runs (the meetings above are not).
    for draft in sorted(drafts, key=lambda d: d.issued_on):
        services.finalise_document(draft, user=None, render=False)
    topics = [
        "vụ án trộm cắp tài sản",
        "tin báo tội phạm chưa giải quyết",
        "vụ án cố ý gây thương tích",
        "án dân sự tranh chấp đất đai",
        "thi hành án dân sự tồn đọng",
        "vụ án ma túy",
        "đơn khiếu nại, tố cáo",
        "vụ án hành chính",
        "trả hồ sơ điều tra bổ sung",
        "tạm giữ, tạm giam",
    ]
    for index, topic in enumerate(topics):
        _meeting(
            host,
            f"Họp liên ngành về {topic}",
            _at(2022 + index // 4, 1 + (index * 3) % 12, 10, 14),
            kind=MeetingKind.INTERAGENCY,
            place="Phòng họp VKSND huyện Khánh Sơn",
            co_hosts=partners,
            rows=services.MeetingRows(attendees=attendees()),
        )
    # Counted once more in case earlier runs linked regulations loaded later.
    ids = Regulation.objects.filter(meetings__isnull=False).values_list("pk", flat=True).distinct()
    services._refresh_regulations(ids)
