#!/usr/bin/env python3
"""A real SMTP server for tests (aiosmtpd): writes each accepted message to a folder as <n>.eml.

Stops when killed or when the --parent process is gone.
Usage: smtp_sink.py PORT FOLDER [--tls CERT KEY] [--auth USER:PASSWORD] [--parent PID]
With --tls the server offers STARTTLS and requires it; with --auth it requires AUTH (over TLS).
"""
import argparse, os, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.folder, f"{time.time_ns()}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("folder")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--parent", type=int, default=os.getppid())
    a = p.parse_args()
    kwargs = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.tls)
        kwargs.update(tls_context=ctx, require_starttls=True)
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=bool(a.tls))
    controller = Controller(Sink(a.folder), hostname="127.0.0.1", port=a.port, ready_timeout=30, **kwargs)
    controller.start()
    print(f"ready {os.getpid()}", flush=True)
    # Runs until killed, or until the test process that started it is gone, however it ended.
    try:
        while True:
            try:
                os.kill(a.parent, 0)
            except ProcessLookupError:
                break
            time.sleep(0.5)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
