"""A relying party standing in for laclasse.com in the tests: a small HTTP server on loopback that answers its
callback with a page naming what it received, and records every request (callbacks, back-channel logout posts)."""
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class RelyingParty:
    def __init__(self):
        self.received = []
        parent = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, body):
                page = ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Application de test</title></head>"
                        "<body><main><h1>Application de test</h1><p id=\"recu\">%s</p></main></body></html>" % html.escape(body))
                data = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                parent.received.append(("GET", url.path, {k: v[0] for k, v in parse_qs(url.query).items()}))
                self.answer(url.query)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                parent.received.append(("POST", urlparse(self.path).path, {k: v[0] for k, v in parse_qs(body).items()}))
                self.answer("ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
