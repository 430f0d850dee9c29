"""A local SMTP sink for .ci/prod-stack.sh (aiosmtpd): stores each message as a file in OUT_DIR.

It waits DELAY seconds at RCPT TO, before any message data is sent, so a batch takes long enough to
kill a worker in the middle of it, and a send cut off by the kill never delivers half a message.
Usage: python .ci/smtp_sink.py PORT OUT_DIR [DELAY]"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out: Path, delay: float) -> None:
        self.out, self.delay = out, delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = self.out / f"{uuid.uuid4().hex}.eml"
        tmp = name.with_suffix(".tmp")
        tmp.write_bytes(b"X-Rcpt-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n" + envelope.original_content)
        tmp.rename(name)
        return "250 Message accepted"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    out.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(out, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{port} -> {out}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
