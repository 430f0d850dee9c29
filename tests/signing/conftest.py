"""Keys for the signing tests: a test CA, a PKCS#12 file per unit, and a SoftHSM2 token (the same
PKCS#11 interface as the Government CA's USB tokens) made under a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from signing import images, pki, services
from signing.models import KeyKind, SigningKey

PIN = "123456"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "vks-test"
KEY_LABEL = "ky-so-don-vi"


@pytest.fixture(scope="session")
def test_ca() -> pki.Issued:
    return pki.make_ca("CA kiểm thử")


@pytest.fixture
def trust_test_ca(db, test_ca) -> pki.Issued:
    services.add_trust_root(pki.pem(test_ca.certificate), "CA kiểm thử")
    return test_ca


def make_pkcs12_key(agency, ca: pki.Issued, folder: Path, *, pin_env: str = "PORTAL_TEST_PIN", **cert) -> SigningKey:
    issued = pki.issue_unit_certificate(ca, agency.name, **cert)
    path = folder / f"{agency.code}.p12"
    path.write_bytes(pki.pkcs12_bytes(issued, ca, PIN))
    return SigningKey.objects.create(
        agency=agency,
        kind=KeyKind.PKCS12,
        pkcs12_path=str(path),
        pin_env=pin_env,
        seal_image=images.seal_png(agency.name, agency.place_name),
        signature_image=images.signature_png(agency.code),
    )


@pytest.fixture
def pkcs12_key(world, trust_test_ca, tmp_path, monkeypatch) -> SigningKey:
    """Khánh Sơn (VKS-KS) signs with a PKCS#12 file whose PIN is in the environment."""
    monkeypatch.setenv("PORTAL_TEST_PIN", PIN)
    return make_pkcs12_key(world.vks_ks, trust_test_ca, tmp_path)


@dataclass
class Token:
    conf: Path
    label: str
    key_label: str
    unit_name: str


def _run(*args: str, env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stdout} {done.stderr}")


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory, test_ca) -> Iterator[Token]:
    """A SoftHSM2 token holding a unit's key and certificate. SOFTHSM2_CONF is set for the whole
    worker process: the PKCS#11 module reads it once, when it is first loaded."""
    for tool in ("softhsm2-util", "pkcs11-tool"):
        if shutil.which(tool) is None or not Path(SOFTHSM_MODULE).exists():
            pytest.fail(f"{tool} / {SOFTHSM_MODULE} missing: install the Debian packages softhsm2 and opensc")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ)
    unit_name = "Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa"
    issued = pki.issue_unit_certificate(test_ca, unit_name)
    (folder / "key.pem").write_bytes(pki.key_pem(issued.key))
    (folder / "cert.der").write_bytes(issued.certificate.public_bytes(serialization.Encoding.DER))
    _run("softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", "654321", env=env)
    _run(
        "softhsm2-util", "--import", str(folder / "key.pem"), "--token", TOKEN_LABEL,
        "--label", KEY_LABEL, "--id", "01", "--pin", PIN, env=env,
    )  # fmt: skip
    _run(
        "pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", TOKEN_LABEL, "--login", "--pin", PIN,
        "--write-object", str(folder / "cert.der"), "--type", "cert", "--label", KEY_LABEL, "--id", "01",
        env=env,
    )  # fmt: skip
    yield Token(conf, TOKEN_LABEL, KEY_LABEL, unit_name)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def token_key(world, softhsm_token, trust_test_ca, monkeypatch) -> SigningKey:
    """Khánh Sơn signs through the SoftHSM2 token (PKCS#11)."""
    monkeypatch.setenv("PORTAL_TEST_PIN", PIN)
    return SigningKey.objects.create(
        agency=world.vks_ks,
        kind=KeyKind.PKCS11,
        pkcs11_module=SOFTHSM_MODULE,
        token_label=softhsm_token.label,
        key_label=softhsm_token.key_label,
        pin_env="PORTAL_TEST_PIN",
        seal_image=images.seal_png(world.vks_ks.name),
        signature_image=images.signature_png("VKS-KS"),
    )
