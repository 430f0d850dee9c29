from django.db import migrations

FIELDS = [
    ("criminal", "Hình sự"),
    ("civil_admin", "Dân sự, hôn nhân gia đình, kinh doanh thương mại, lao động, hành chính"),
    ("criminal_enforcement", "Thi hành án hình sự"),
    ("civil_enforcement", "Thi hành án dân sự"),
    ("complaints", "Khiếu nại, tố cáo"),
    ("crime_reports", "Tố giác, tin báo về tội phạm"),
    ("leadership", "Lãnh đạo, chỉ đạo"),
]


def create_fields(apps, schema_editor):
    Field = apps.get_model("regulations", "Field")
    for order, (code, name) in enumerate(FIELDS, start=1):
        Field.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


def remove_fields(apps, schema_editor):
    apps.get_model("regulations", "Field").objects.filter(code__in=[c for c, _ in FIELDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]

    operations = [migrations.RunPython(create_fields, remove_fields)]
