"""A person in front of GrandLyon Connect, as plain HTTP: follows Guichet's own redirects, fills the sign-in page
and the consent page like a browser would (cookies, CSRF token), and stops at the first redirect that leaves for
the application. Shared by the relying-party tests."""
import re
import subprocess
from urllib.parse import urljoin, urlparse, parse_qs

import requests

DEMO_PASSWORD = "Guichet-Demo-2026!"


def hidden(page, name):
    match = re.search(r'<input type="hidden" name="%s" value="([^"]*)"' % re.escape(name), page)
    return match.group(1) if match else None


class Person:
    def __init__(self, base, email="usager@demo.fr", password=DEMO_PASSWORD):
        self.base, self.email, self.password = base, email, password
        self.http = requests.Session()

    def authorize(self, url, consent=True):
        """Opens an authorization URL; returns the application's callback URL (with code or error)."""
        response = self.http.get(url, allow_redirects=False)
        for _ in range(10):
            if response.status_code in (301, 302, 303):
                location = urljoin(self.base + "/", response.headers["Location"])
                if not location.startswith(self.base):
                    return location
                response = self.http.get(location, allow_redirects=False)
                continue
            page = response.text
            if 'action="/compte/connexion"' in page:
                response = self.http.post(self.base + "/compte/connexion", data={
                    "_csrf": hidden(page, "_csrf"), "retour": hidden(page, "retour"), "email": self.email, "password": self.password,
                }, allow_redirects=False)
            elif 'action="/oidc/consentement"' in page:
                response = self.http.post(self.base + "/oidc/consentement", data={
                    "_csrf": hidden(page, "_csrf"), "decision": "autoriser" if consent else "refuser"}, allow_redirects=False)
            else:
                raise AssertionError("unexpected page %s: %s" % (response.status_code, page[:500]))
        raise AssertionError("too many steps")


def query(url):
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}


def register(guichet, *arguments):
    """`guichet oidc-client add …` against the running server's data; returns the printed client_secret, if any."""
    done = subprocess.run([guichet["binary"], "oidc-client", "add", *arguments], env=guichet["env"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    match = re.search(r"client_secret (\S+)", done.stdout)
    return match.group(1) if match else None
