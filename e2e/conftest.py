"""End-to-end fixtures: a real SMTP server (aiosmtpd) and the built `guichet` binary, seeded, on loopback.

GUICHET_BIN picks the binary (default .build/debug/guichet); E2E_DATABASE_URL runs it on PostgreSQL instead of
its embedded SQLite file.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("mail"))
    port = free_port()
    sink = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/tools/smtp_sink.py"), str(port), folder,
                             "--parent", str(os.getpid())], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().startswith("ready")
    yield {"port": port, "folder": folder}
    sink.kill()


@pytest.fixture(scope="session")
def franceconnect():
    """The FranceConnect stand-in (`franceconnect_standin.py`) Guichet is configured with."""
    from franceconnect_standin import FranceConnectStandIn
    standin = FranceConnectStandIn()
    yield standin
    standin.close()


@pytest.fixture(scope="session")
def guichet(smtp, franceconnect, tmp_path_factory):
    binary = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build/debug/guichet"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, GUICHET_DATA_DIR=str(tmp_path_factory.mktemp("data")), SMTP_URL=f"smtp://127.0.0.1:{smtp['port']}",
               GUICHET_BASE_URL=base, LOG_FORMAT="json",
               # The tests' relying parties listen on loopback over http (back-channel logout): allowed here only.
               GUICHET_OUTBOUND_ALLOW="127.0.0.1/32", GUICHET_OUTBOUND_HTTP="1",
               GUICHET_FRANCECONNECT=franceconnect.issuer, GUICHET_FRANCECONNECT_CLIENT_ID="guichet-integration",
               GUICHET_FRANCECONNECT_CLIENT_SECRET="secret-de-test-franceconnect-0123456789")
    franceconnect.redirect_uris.add(base + "/franceconnect/retour")
    franceconnect.post_logout_uris.add(base + "/franceconnect/deconnexion-terminee")
    if os.environ.get("E2E_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["E2E_DATABASE_URL"]
    # The 2025 signatories, and Rochetaillée-sur-Saône as *connectée* (no commune has that offer yet): the
    # connector journey needs one.
    with open(os.path.join(ROOT, "Sources/Territory/Data/convention-2025-signataires.csv"), encoding="utf-8") as f:
        signatories = f.read()
    adhesions = os.path.join(env["GUICHET_DATA_DIR"], "adhesions.csv")
    with open(adhesions, "w", encoding="utf-8") as f:
        f.write(signatories.rstrip("\n") + "\n69168,Rochetaillée-sur-Saône,Rochetaillée-sur-Saône,connecte,non\n")
    subprocess.run([binary, "init", "--adhesions", adhesions], env=env, check=True, capture_output=True)
    subprocess.run([binary, "seed"], env=env, check=True, capture_output=True)
    log = open(os.path.join(env["GUICHET_DATA_DIR"], "serve.log"), "w")
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    for _ in range(100):
        try:
            if urllib.request.urlopen(base + "/readyz", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("guichet did not become ready")
    yield {"base": base, "mail": smtp["folder"], "log": log.name, "env": env, "binary": binary}
    server.terminate()
    server.wait(10)


def wait_for_mail(folder, predicate, timeout=15):
    """The first message the SMTP server accepted that satisfies `predicate`, decoded."""
    import email
    deadline = time.time() + timeout
    while time.time() < deadline:
        for name in sorted(os.listdir(folder)):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as f:
                    message = email.message_from_bytes(f.read())
                subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
                # A relay carries its files: the text is the multipart's text/plain part.
                text = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
                body = text.get_payload(decode=True).decode()
                if predicate(subject, body):
                    return subject, body
        time.sleep(0.2)
    raise AssertionError("no such e-mail arrived")
