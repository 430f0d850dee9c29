"""Factories for the meetings app's models: meetings, attendees, directives.

Every app's tests use these::

    from tests.meetings.factories import MeetingFactory, aware
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import Attendee, AttendeeRole, Directive, Meeting, MeetingKind
from portal.search import normalize
from tests.factories import AgencyFactory


def aware(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class MeetingFactory(DjangoModelFactory):
    """A planned interagency meeting (pass ``state=`` for another); ``reviewed=[regulation, ...]``
    links the regulations it reviews."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    kind = MeetingKind.INTERAGENCY
    title = factory.Sequence(lambda n: f"Họp liên ngành số {n}")
    starts_at = factory.LazyFunction(lambda: aware(2024, 1, 5, 8))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    place = "Hội trường Viện kiểm sát"
    host_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda m: m.host_agency.locality)
    search_text = factory.LazyAttribute(lambda m: normalize(m.title))

    @factory.post_generation
    def reviewed(self, create, extracted, **kwargs):
        if create and extracted:
            self.regulations.set(extracted)


class AttendeeFactory(DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    role = AttendeeRole.ATTENDEE


class DirectiveFactory(DjangoModelFactory):
    """An open directive of a new meeting, assigned to no agency unless ``assigned_agency=`` is given."""

    class Meta:
        model = Directive

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Nhiệm vụ số {n}")
    locality = factory.LazyAttribute(lambda d: d.meeting.locality)


# Seed 004 (/work/shared/seeds/004_*): the 20 July 2021 notice of the 6-month review conference.
SEED_004_OPENING = (
    "Ngày 01/7/2021, Viện kiểm sát nhân dân tối cao tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm 2021 của ngành "
    "Kiểm sát. Phát biểu kết luận Hội nghị, Viện trưởng Viện kiểm sát nhân dân tối cao đã ghi nhận, biểu dương tinh "
    "thần trách nhiệm và kết quả công tác mà các đơn vị toàn Ngành đã đạt được trong bối cảnh đại dịch Covid-19 đang "
    "diễn ra phức tạp tại nhiều địa phương. Đồng thời, Viện trưởng yêu cầu toàn Ngành tập trung chỉ đạo thực hiện tốt "
    "một số yêu cầu sau:"
)
SEED_004_DIRECTIVES = [
    (
        "Thủ trưởng các đơn vị thuộc VKSND tối cao, Viện trưởng VKSND các cấp rà soát toàn bộ nhiệm vụ, mục tiêu, kế "
        "hoạch công tác từ đầu năm, xác định những khâu công tác chưa đạt, còn tồn tại, hạn chế, từ đó đề ra giải pháp "
        "triển khai công tác 6 tháng cuối năm.\nTrong quá trình thực hiện chức năng, nhiệm vụ của Viện kiểm sát phải "
        "phối hợp thực hiện nghiêm Quy chế phối hợp giữa Ban Tuyên giáo các cấp với cơ quan Nhà nước cùng cấp.",
        None,
        "Thủ trưởng các đơn vị thuộc VKSND tối cao, Viện trưởng VKSND các cấp",
    ),
    (
        "Viện kiểm sát nhân dân các địa phương chủ động phối hợp với các cơ quan tiến hành tố tụng cùng cấp "
        "để kịp thời "
        "giải quyết, tháo gỡ những khó khăn, vướng mắc khi giải quyết các vụ án, vụ việc.",
        None,
        "Viện kiểm sát các cấp",
    ),
    (
        "Tiếp tục kiện toàn tổ chức, bộ máy Viện kiểm sát các cấp theo hướng tinh gọn, hiệu lực, hiệu quả. Giao Vụ 15 "
        "tham mưu lãnh đạo VKSND tối cao, đồng thời phối hợp, hướng dẫn Viện trưởng VKSND cấp tỉnh rà soát đội ngũ cán "
        "bộ, kiểm sát viên để xây dựng Kế hoạch và lộ trình thực hiện.",
        "Vụ 15",
        "",
    ),
    (
        "Viện kiểm sát các cấp quán triệt, thực hiện nghiêm Chỉ thị 06/CT-VKSTC ngày 28/6/2021 của Viện trưởng VKSND "
        "tối cao.",
        "Vụ 8",
        "",
    ),
    ("Tăng cường ứng dụng công nghệ thông tin trong các hoạt động, lĩnh vực công tác của Ngành.", "Cục 2", ""),
    (
        "Các đơn vị báo chí của Ngành, các đơn vị nghiệp vụ và Viện kiểm sát các cấp phối hợp chặt chẽ trong công tác "
        "tuyên truyền về tấm gương tiêu biểu của cán bộ kiểm sát viên.",
        None,
        "Báo Bảo vệ pháp luật",
    ),
    (
        "Toàn Ngành thực hiện các yêu cầu của Đảng, Chính phủ trong công tác phòng, chống dịch Covid-19.",
        None,
        "Viện kiểm sát các cấp",
    ),
]
SEED_004_RECIPIENTS = {
    "recipients_report": "Viện trưởng VKSND tối cao;\nPhó Viện trưởng VKSND tối cao;",
    "recipients_act": "Kiểm sát viên VKSND tối cao;\nThủ trưởng các đơn vị thuộc VKSND tối cao;\nVKSQS Trung ương;\n"
    "Viện trưởng VKSND cấp cao;\nViện trưởng VKSND cấp tỉnh;\nViện trưởng VKSQS cấp quân khu;",
    "recipients_filed": "VP (VT, PTMTH).",
}


def seed_004_meeting(host) -> Meeting:
    """The review conference of seed 004 hosted by ``host``, with its 7 directives (units, deadlines)."""
    meeting = MeetingFactory(
        host_agency=host,
        kind=MeetingKind.WORK_REVIEW,
        starts_at=aware(2021, 7, 1, 8),
        title="Hội nghị sơ kết công tác 6 tháng đầu năm 2021 của ngành Kiểm sát",
        conclusions="",
    )
    AttendeeFactory(meeting=meeting, full_name="Lê Minh Trí", position="Viện trưởng", role=AttendeeRole.CHAIR)
    for number, (text, unit, assignee) in enumerate(SEED_004_DIRECTIVES, start=1):
        agency = None
        if unit:
            agency = AgencyFactory(
                code=f"SEED-{unit}",
                name=f"{unit} Viện kiểm sát nhân dân tối cao",
                short_name=unit,
                locality=host.locality,
                parent=host,
            )
        DirectiveFactory(
            meeting=meeting,
            number=number,
            text=text,
            assigned_agency=agency,
            assignee_text=assignee,
            deadline=datetime.date(2021, 12, 31) if number != 7 else datetime.date(2022, 2, 5),
        )
    return meeting


def filled_correction(letter):
    """A correction letter draft with its blanks filled in, as a clerk does before issuing it."""
    letter.body = letter.body.replace("Tại …, dòng …, đã in: “…”", "Tại trang 1, dòng 12, đã in: “ngày 20”").replace(
        "Nay đính chính lại là: “…”", "Nay đính chính lại là: “ngày 21”"
    )
    letter.save(update_fields=["body"])
    return letter
