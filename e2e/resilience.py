"""Helpers for the resilience proofs: servers started and killed at will, an SMTP server that comes and goes,
filings under load, and a database of their own (SQLite file, or a new database on the CI's PostgreSQL)."""
import email
import email.header
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from conftest import ROOT, free_port

BINARY = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build/debug/guichet"))
FILING = "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes"
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def new_postgres_database():
    """A new database on the CI's PostgreSQL server (PG_ADMIN_URL, set by scripts/with-postgres.sh), or None."""
    admin = os.environ.get("PG_ADMIN_URL")
    if not admin:
        return None
    name = "e2e_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return admin.rsplit("/", 1)[0] + "/" + name


def sql(env, query):
    """One value from the server's database, read behind its back (sqlite3 or psql)."""
    if env.get("DATABASE_URL"):
        out = subprocess.run(["psql", env["DATABASE_URL"], "-tAq", "-c", query], check=True, capture_output=True, text=True).stdout
        return [line.split("|") for line in out.splitlines() if line]
    import sqlite3
    with sqlite3.connect(os.path.join(env["GUICHET_DATA_DIR"], "guichet.sqlite")) as db:
        return [[str(v) for v in row] for row in db.execute(query)]


class SMTPServer:
    """The real SMTP server of the tests (aiosmtpd), on a port that stays the same across its stops and starts."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self):
        self.process = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/tools/smtp_sink.py"), str(self.port), self.folder,
                                         "--parent", str(os.getpid())], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().startswith("ready")

    def stop(self):
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process = None

    def messages(self):
        """(subject, envelope recipient) of every accepted message."""
        found = []
        for name in sorted(os.listdir(self.folder)) if os.path.isdir(self.folder) else []:
            if name.endswith(".eml"):
                with open(os.path.join(self.folder, name), "rb") as f:
                    message = email.message_from_bytes(f.read())
                found.append((str(email.header.make_header(email.header.decode_header(message["Subject"]))), message["X-Envelope-To"]))
        return found


class Server:
    """A `guichet serve` process on a data folder (and database) of its own; `kill()` is kill -9."""

    def __init__(self, data_dir, smtp_port, database_url=None, seed=True, **extra):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, GUICHET_DATA_DIR=str(data_dir), SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
                        GUICHET_BASE_URL=self.base, LOG_LEVEL="warning", **extra)
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if seed:
            subprocess.run([BINARY, "seed"], env=self.env, check=True, capture_output=True, timeout=300)
        self.process = None

    def start(self):
        log = open(os.path.join(self.env["GUICHET_DATA_DIR"], f"serve-{self.port}.log"), "a")
        self.process = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                        env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.base + "/readyz", timeout=1).status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise AssertionError("guichet did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def call(self, method, path, body=None, headers=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def metric(self, name):
        text = urllib.request.urlopen(self.base + "/metrics", timeout=5).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None


def filing(email_address, with_photo=False):
    data = {"categorie": "depot", "description": "Dépôt sauvage", "nom": "Sam Essai", "email": email_address, "consentement": True,
            "adresse": {"street": "5 rue Jean Moulin", "postcode": "69300", "city": "Caluire-et-Cuire"}}
    if with_photo:
        data["photo"] = [{"filename": "photo.png", "content_base64": PIXEL}]
    return {"data": data}


def file_under_load(server, threads, seconds, with_photo=False):
    """Files from `threads` clients at once for `seconds`; returns the acknowledged filings, each
    (number, tracking code, e-mail). Clients stop at their first failure (the server is gone)."""
    acknowledged, lock = [], threading.Lock()
    stop_at = time.time() + seconds

    def client(n):
        i = 0
        while time.time() < stop_at:
            address = f"charge-{n}-{i}-{uuid.uuid4().hex[:6]}@exemple.fr"
            i += 1
            try:
                status, body = server.call("POST", FILING, filing(address, with_photo), timeout=30)
            except OSError:
                return
            if status == 201:
                with lock:
                    acknowledged.append((body["number"], body["tracking_code"], address))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    return workers, acknowledged


def wait_until(predicate, timeout, message):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(message)


class Agent:
    """A back-office agent signed in over plain HTTP, with the session cookie and the forms' CSRF token."""

    def __init__(self, base, address, password="Guichet-Demo-2026!"):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/compte/connexion", {"email": address, "password": password, "retour": "/compte"}, form="/compte/connexion")
        from second_factor import fresh_code
        self.post("/compte/connexion/code", {"code": fresh_code(address)}, form="/compte/connexion/code")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path, fields, form):
        """Posts `fields` as the form on page `form` would, with its CSRF token; returns the answer's page."""
        csrf = re.search(r'name="_csrf" value="([^"]+)"', self.get(form)).group(1)
        data = urllib.parse.urlencode({"_csrf": csrf, **fields}).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=10) as response:
            return response.read().decode()
