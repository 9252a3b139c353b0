"""A stand-in for FranceConnect v2 in the tests: a small OpenID Connect provider on loopback shaped like the real
one (everything under /api/v2, ES256 signatures, the userinfo answer as a signed JWT, `acr_values=eidas1`, the
`iss` on the callback, client_secret_post, session end with id_token_hint/state/post_logout_redirect_uri), with
identities like the integration platform's test accounts. Its "identity provider" is a page where the person picks
who they are. It records every call, can rotate its key (tokens then name a kid Guichet has not fetched yet), and
refuses what the real one refuses (a short state or nonce, an unregistered redirect_uri, a wrong secret)."""
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import ECKey

CLIENT_ID = "guichet-integration"
CLIENT_SECRET = "secret-de-test-franceconnect-0123456789"

# Shaped like the integration platform's test identities (names as the civil registry writes them, INSEE codes).
IDENTITIES = {
    "angela": {"given_name": "Angela Claire Louise", "family_name": "DUBOIS", "birthdate": "1962-08-24", "gender": "female",
               "birthplace": "75107", "birthcountry": "99100", "preferred_username": "", "email": "angela.dubois@fc-test.example"},
    "pierre": {"given_name": "Pierre Paul", "family_name": "MERCIER", "birthdate": "1969-03-17", "gender": "male",
               "birthplace": "69123", "birthcountry": "99100", "preferred_username": "", "email": "pierre.mercier@fc-test.example"},
    "chloe": {"given_name": "Chloé", "family_name": "GARCIA", "birthdate": "1991-11-02", "gender": "female",
              "birthplace": "", "birthcountry": "99134", "preferred_username": "MARTIN", "email": "chloe.garcia@fc-test.example"},
    "lucas": {"given_name": "Lucas", "family_name": "ROBERT", "birthdate": "1985-06-30", "gender": "male",
              "birthplace": "69266", "birthcountry": "99100", "preferred_username": "", "email": "lucas.robert@fc-test.example"},
}


class FranceConnectStandIn:
    def __init__(self):
        self.calls = []
        self.redirect_uris = set()
        self.post_logout_uris = set()
        self.codes, self.access_tokens, self.id_tokens = {}, {}, set()
        self.emails = {}  # identity key -> e-mail override, so each test has its own people
        self.key = ECKey.generate_key("P-256", parameters={"kid": "fc-" + secrets.token_hex(4), "use": "sig", "alg": "ES256"})
        self.old_keys = []
        parent = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body, content_type="application/json", headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                parent.calls.append(("GET", url.path, query, dict(self.headers)))
                if url.path == "/api/v2/jwks":
                    keys = [parent.key.as_dict(private=False)] + [k.as_dict(private=False) for k in parent.old_keys]
                    return self.send(200, json.dumps({"keys": keys}))
                if url.path == "/api/v2/authorize":
                    return parent.authorize(self, query)
                if url.path == "/api/v2/userinfo":
                    return parent.userinfo(self)
                if url.path == "/api/v2/session/end":
                    return parent.end_session(self, query)
                self.send(404, "{}")

            def do_POST(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                parent.calls.append(("POST", url.path, form, dict(self.headers)))
                if url.path == "/api/v2/choisir":
                    return parent.chosen(self, form)
                if url.path == "/api/v2/token":
                    return parent.token(self, form)
                self.send(404, "{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.issuer = self.base + "/api/v2"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()

    def rotate(self):
        """A new signing key; the old one stays published (FranceConnect's overlap)."""
        self.old_keys.append(self.key)
        self.key = ECKey.generate_key("P-256", parameters={"kid": "fc-" + secrets.token_hex(4), "use": "sig", "alg": "ES256"})

    def identity(self, who):
        person = dict(IDENTITIES[who])
        person["email"] = self.emails.get(who, person["email"])
        return person

    def sign(self, claims):
        return jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key)

    def page(self, handler, status, title, body):
        handler.send(status, "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>%s</title></head><body><main>%s</main></body></html>"
                     % (html.escape(title), body), "text/html; charset=utf-8")

    def authorize(self, handler, query):
        problems = []
        if query.get("client_id") != CLIENT_ID:
            problems.append("client_id")
        if query.get("redirect_uri") not in self.redirect_uris:
            problems.append("redirect_uri")
        if query.get("acr_values") != "eidas1":
            problems.append("acr_values")
        if len(query.get("state", "")) < 32 or len(query.get("nonce", "")) < 32:
            problems.append("state/nonce")
        if "openid" not in query.get("scope", "").split() or query.get("response_type") != "code":
            problems.append("scope/response_type")
        if problems:
            return self.page(handler, 400, "Erreur FranceConnect", "<h1>Erreur</h1><p id=\"erreur\">%s</p>" % html.escape(", ".join(problems)))
        buttons = "".join(
            "<form method=\"post\" action=\"/api/v2/choisir\">%s<button type=\"submit\" name=\"qui\" value=\"%s\">%s %s</button></form>"
            % ("".join("<input type=\"hidden\" name=\"%s\" value=\"%s\">" % (k, html.escape(v)) for k, v in query.items()),
               who, html.escape(person["given_name"]), html.escape(person["family_name"]))
            for who, person in IDENTITIES.items())
        cancel = "<p><a id=\"annuler\" href=\"%s?%s\">Annuler</a></p>" % (
            html.escape(query["redirect_uri"]), html.escape(urlencode({"error": "access_denied", "state": query["state"]})))
        self.page(handler, 200, "FranceConnect (bac à sable)", "<h1>Choisissez une identité de test</h1>" + buttons + cancel)

    def chosen(self, handler, form):
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"who": form["qui"], "nonce": form["nonce"], "redirect_uri": form["redirect_uri"], "at": time.time()}
        location = form["redirect_uri"] + "?" + urlencode({"code": code, "state": form["state"], "iss": self.issuer})
        handler.send(302, "", "text/plain", [("Location", location)])

    def token(self, handler, form):
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return handler.send(401, json.dumps({"error": "invalid_client"}))
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code" or form.get("redirect_uri") != grant["redirect_uri"]:
            return handler.send(400, json.dumps({"error": "invalid_grant"}))
        sub = "fc-" + grant["who"] + "-" + CLIENT_ID
        now = int(time.time())
        id_token = self.sign({"iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "exp": now + 60, "iat": now, "nonce": grant["nonce"],
                              "acr": "eidas1", "amr": ["pwd"], "auth_time": now})
        self.id_tokens.add(id_token)
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = (grant["who"], sub)
        handler.send(200, json.dumps({"access_token": access, "token_type": "Bearer", "expires_in": 60, "id_token": id_token, "scope": "openid"}))

    def userinfo(self, handler):
        auth = handler.headers.get("Authorization", "")
        found = self.access_tokens.get(auth[len("Bearer "):]) if auth.startswith("Bearer ") else None
        if found is None:
            return handler.send(401, json.dumps({"error": "invalid_token"}))
        who, sub = found
        claims = dict(self.identity(who), sub=sub, iss=self.issuer, aud=CLIENT_ID, iat=int(time.time()))
        handler.send(200, self.sign(claims), "application/jwt")

    def end_session(self, handler, query):
        if query.get("id_token_hint") not in self.id_tokens or query.get("post_logout_redirect_uri") not in self.post_logout_uris or not query.get("state"):
            return self.page(handler, 400, "Erreur FranceConnect", "<h1>Erreur</h1><p id=\"erreur\">session/end</p>")
        location = query["post_logout_redirect_uri"] + "?" + urlencode({"state": query["state"]})
        handler.send(302, "", "text/plain", [("Location", location)])
