"""The fields of work (lĩnh vực) of DOMAIN.md. A data migration creates them; admins may edit them."""

DEFAULT_FIELDS: list[tuple[str, str]] = [
    ("criminal", "Hình sự"),
    ("civil_admin", "Dân sự, hôn nhân gia đình, kinh doanh thương mại, lao động, hành chính"),
    ("criminal_enforcement", "Thi hành án hình sự"),
    ("civil_enforcement", "Thi hành án dân sự"),
    ("complaints", "Khiếu nại, tố cáo"),
    ("crime_reports", "Tố giác, tin báo về tội phạm"),
    ("leadership", "Lãnh đạo, chỉ đạo"),
]


def ensure_default_fields(field_model) -> None:
    """Create the default fields that are missing (``field_model`` may be a migration's model)."""
    for order, (code, name) in enumerate(DEFAULT_FIELDS, start=1):
        field_model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
