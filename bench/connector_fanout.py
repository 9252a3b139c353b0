#!/usr/bin/env python3
"""Connector fan-out (issue 16): 10,000 events queued for one commune's software, which answers each call after
SLOW_MS; meanwhile citizens file requests whose receipts go by e-mail. Measures the events delivered per second,
and each receipt's time from the filing's 201 to its arrival at a real SMTP server, against the same filings
without the backlog (runs A = no backlog, B = backlog, alternated ROUNDS times); then waits for the whole backlog
(each event once: counted by its Idempotency-Key).

Usage: python3 bench/connector_fanout.py [--events 10000] [--slow-ms 20] [--filings 100] [--rounds 2]
Needs the release binary (swift build -c release) or GUICHET_BIN, and aiosmtpd.
"""
import argparse, json, os, socket, sqlite3, statistics, subprocess, sys, tempfile, threading, time, urllib.request, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build/release/guichet"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slow(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay):
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.delay, self.keys, self.first, self.last = delay, set(), None, None
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SlowHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(self.server.delay)
        with self.server.lock:
            now = time.time()
            self.server.first = self.server.first or now
            self.server.last = now
            self.server.keys.add(self.headers["Idempotency-Key"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def run(backlog, args, receiver):
    data = tempfile.mkdtemp(prefix="fanout-")
    mail = os.path.join(data, "mail-sink")
    smtp_port, port = free_port(), free_port()
    sink = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/tools/smtp_sink.py"), str(smtp_port), mail], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().startswith("ready")
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, GUICHET_DATA_DIR=data, SMTP_URL=f"smtp://127.0.0.1:{smtp_port}", GUICHET_BASE_URL=base,
               GUICHET_OUTBOUND_ALLOW="127.0.0.1/32", GUICHET_OUTBOUND_HTTP="1", LOG_LEVEL="error")
    with open(os.path.join(ROOT, "Sources/Territory/Data/convention-2025-signataires.csv"), encoding="utf-8") as f:
        adhesions = f.read().rstrip("\n") + "\n69168,Rochetaillée-sur-Saône,Rochetaillée-sur-Saône,connecte,non\n"
    with open(os.path.join(data, "adhesions.csv"), "w", encoding="utf-8") as f:
        f.write(adhesions)
    subprocess.run([BIN, "init", "--adhesions", os.path.join(data, "adhesions.csv")], env=env, check=True, capture_output=True)
    subprocess.run([BIN, "seed"], env=env, check=True, capture_output=True)
    if backlog:
        # The events as a filing batch would queue them: a connector, then one event per (fictitious) request.
        db = sqlite3.connect(os.path.join(data, "guichet.sqlite"))
        now = int(time.time() * 1000)
        db.execute("INSERT INTO connectors (collectivite, url, token_hash, key_generation, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
                   ("rochetaillee-sur-saone", receiver.url, uuid.uuid4().hex, now, now))
        db.executemany("""INSERT INTO connector_deliveries (id, collectivite, demande_id, position, event, payload, attempts, next_attempt_at, created_at)
                          VALUES (?, 'rochetaillee-sur-saone', ?, 1, 'demande.statut', ?, 0, ?, ?)""",
                       [(str(uuid.uuid4()), str(uuid.uuid4()), json.dumps({"type": "demande.statut", "number": f"MET-2026-{i:06d}"}), now, now)
                        for i in range(args.events)])
        db.commit()
        db.close()
    log = open(os.path.join(data, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    for _ in range(200):
        try:
            if urllib.request.urlopen(base + "/readyz", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.1)
    time.sleep(1)  # the connector worker is under way
    filed = {}
    for i in range(args.filings):
        body = {"data": {"categorie": "voirie", "description": "Nid-de-poule", "adresse": {"street": f"{i} rue Pasteur", "postcode": "69300",
                "city": "Caluire-et-Cuire"}, "nom": "Camille Martin", "email": f"camille.{i}@exemple.fr", "telephone": "04 78 00 00 00",
                "consentement": True}}
        request = urllib.request.Request(base + "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes",
                                         data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        filed[f"camille.{i}@exemple.fr"] = time.time()
        time.sleep(0.02)
    latencies, deadline = {}, time.time() + 120
    while len(latencies) < len(filed) and time.time() < deadline:
        for name in os.listdir(mail):
            if name.endswith(".eml"):
                with open(os.path.join(mail, name), "rb") as f:
                    to = f.readline().decode().removeprefix("X-Envelope-To: ").strip()
                if to in filed and to not in latencies:
                    latencies[to] = int(name.removesuffix(".eml")) / 1e9 - filed[to]
        time.sleep(0.2)
    # Then the rest of the backlog, to time the whole fan-out (at most 5 minutes).
    deadline = time.time() + 300
    while backlog and len(receiver.keys) < args.events and time.time() < deadline:
        time.sleep(0.5)
    delivered = len(receiver.keys)
    server.terminate()
    server.wait(10)
    sink.kill()
    return sorted(latencies.values()), delivered


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--slow-ms", type=int, default=20)
    p.add_argument("--filings", type=int, default=100)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    results = {"A": [], "B": []}
    for _ in range(args.rounds):
        for label in ("A", "B"):
            receiver = Slow(args.slow_ms / 1000)
            receiver.url = f"http://127.0.0.1:{receiver.server_address[1]}/guichet"
            started = time.time()
            latencies, delivered = run(label == "B", args, receiver)
            elapsed = (receiver.last - receiver.first) if receiver.first and receiver.last and receiver.last > receiver.first else 0
            p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else float("nan")
            rate = delivered / elapsed if elapsed else 0
            results[label].append((p50, p95, len(latencies)))
            print(f"{label}: receipts {len(latencies)}/{args.filings}, e-mail latency p50 {p50:.0f} ms p95 {p95:.0f} ms; "
                  f"connector events delivered {delivered} ({rate:.0f}/s) in {time.time() - started:.0f} s", flush=True)
            receiver.shutdown()
    a = statistics.median(r[0] for r in results["A"])
    b = statistics.median(r[0] for r in results["B"])
    print(f"e-mail latency p50, backlog / none: {b / a:.2f}")


if __name__ == "__main__":
    main()
