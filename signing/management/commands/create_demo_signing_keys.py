"""Demo signing keys: a demo root CA and one PKCS#12 per demo procuracy under var/signing/, configured
as the units' keys with generated seal and signature images. Refuses to run under production settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import Agency, AgencyKind
from signing import images, pki, services
from signing.models import KeyKind, SigningKey

PIN_FILE = "demo-pin.txt"
DEMO_PIN = "demo-ky-so-2026"


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm và khóa ký số PKCS#12 cho các viện kiểm sát của dữ liệu mẫu (không dùng khi vận hành thật)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir", default=str(settings.SIGNING_DEMO_DIR), help="Thư mục lưu khóa (mặc định var/signing)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith(".production"):
            raise CommandError("Không tạo khóa ký số thử nghiệm trong cấu hình vận hành thật (production).")
        folder = Path(options["dir"])
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        pin_file = folder / PIN_FILE
        pin_file.write_text(DEMO_PIN, encoding="utf-8")
        os.chmod(pin_file, 0o600)
        units = list(Agency.objects.filter(kind=AgencyKind.PROCURACY).select_related("locality").order_by("code"))
        if not units:
            self.stdout.write("Chưa có dữ liệu mẫu (manage.py load_demo): không có đơn vị nào để tạo khóa.")
            return
        ca_cert, ca_key = folder / "demo-ca.pem", folder / "demo-ca-key.pem"
        if ca_cert.exists() and ca_key.exists():  # run again (make run): the same CA, new units only
            ca = pki.load_issued(ca_cert.read_bytes(), ca_key.read_bytes())
        else:
            ca = pki.make_ca()
            ca_key.write_bytes(pki.key_pem(ca.key))
            os.chmod(ca_key, 0o600)
            ca_cert.write_bytes(pki.pem(ca.certificate))
        made = 0
        with transaction.atomic():
            services.add_trust_root(pki.pem(ca.certificate), pki.DEMO_CA_NAME)
            for unit in units:
                path = folder / f"{unit.code}.p12"
                key = SigningKey.objects.filter(agency=unit).first()
                if path.exists() and key is not None and key.pkcs12_path == str(path.resolve()):
                    continue
                issued = pki.issue_unit_certificate(
                    ca, unit.name, province=unit.locality.name if unit.locality_id else ""
                )
                path.write_bytes(pki.pkcs12_bytes(issued, ca, DEMO_PIN, friendly_name=unit.code))
                os.chmod(path, 0o600)
                services.save_key(
                    user=None,
                    agency=unit,
                    key=key,
                    data={
                        "kind": KeyKind.PKCS12,
                        "pkcs12_path": str(path.resolve()),
                        "pin_env": "",
                        "pin_file": str(pin_file.resolve()),
                        "active": True,
                        "seal_image": images.seal_png(unit.name, unit.place_name),
                        "signature_image": images.signature_png(unit.code),
                    },
                )
                made += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Khóa ký số thử nghiệm: {made} đơn vị mới, {len(units)} đơn vị có khóa; CA thử nghiệm: {ca_cert}"
            )
        )
