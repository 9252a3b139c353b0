"""A real instance from nothing, as the README's « Mise en production » says: `guichet init`, then `guichet admin
create`, then `serve` with GUICHET_ENV=production, which refuses a demo database, an http base URL and a missing
webhook secret. The built binary, run as an operator would."""
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, free_port

BINARY = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build/debug/guichet"))
SECRET = "s" * 40


def run(env, *args, check=True):
    return subprocess.run([BINARY, *args], env=env, check=check, capture_output=True, text=True, timeout=120)


def fresh_env(tmp_path, **extra):
    env = dict(os.environ, GUICHET_DATA_DIR=str(tmp_path), LOG_LEVEL="warning")
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def test_init_and_first_admin_without_any_demo_data(tmp_path):
    env = fresh_env(tmp_path)
    out = run(env, "init").stdout
    assert "59 collectivités" in out and "14 partenaire" in out, out
    created = run(env, "admin", "create", "--email", "DSI@grandlyon.example", "--collectivite", "metropole", "--nom", "Direction du numérique").stdout
    assert "Compte créé : dsi@grandlyon.example, Métropole de Lyon, rôles : admin" in created, created
    link = re.search(r"https?://\S+/compte/nouveau-mot-de-passe\?jeton=\S+", created)
    assert link, created
    again = run(env, "admin", "create", "--email", "dsi@grandlyon.example", "--collectivite", "metropole").stdout
    assert "Compte existant" in again, "idempotent: run again, it says so and prints a new link"
    refused = run(env, "admin", "create", "--email", "pas-une-adresse", "--collectivite", "metropole", check=False)
    assert refused.returncode != 0 and "--email" in refused.stdout + refused.stderr

    # An explicit offers file replaces the shipped one; a bad row changes nothing.
    offers = tmp_path / "adhesions.csv"
    offers.write_text("code_insee,toodego_offre\n69034,partenaire\n69029,abonne\n")
    out = run(env, "init", "--adhesions", str(offers)).stdout
    assert "1 partenaire" in out and "1 abonné" in out, out
    offers.write_text("code_insee,toodego_offre\n69034,partenaire\n75056,partenaire\n")
    bad = run(env, "init", "--adhesions", str(offers), check=False)
    assert bad.returncode != 0 and "ligne 3" in bad.stdout + bad.stderr, bad.stdout + bad.stderr
    absent = run(env, "init", "--adhesions", str(tmp_path / "absent.csv"), check=False)
    assert absent.returncode != 0 and "illisible" in absent.stdout + absent.stderr

    # In production, with an https public address and a webhook secret, the server starts on this database.
    port = free_port()
    server = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                              env=dict(env, GUICHET_ENV="production", GUICHET_BASE_URL="https://guichet.example", GUICHET_WEBHOOK_SECRET=SECRET,
                                       GUICHET_KEYS_SECRET=SECRET),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("guichet did not start in production on a database without demo data")
        url = urllib.parse.urlsplit(link.group(0))
        path = f"{url.path}?{url.query}"
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read().decode()
        assert "Nouveau mot de passe" in page
    finally:
        server.terminate()
        server.wait(10)


def test_production_refuses_what_is_unsafe(tmp_path):
    seeded = fresh_env(tmp_path / "seeded")
    run(seeded, "seed")
    production = dict(seeded, GUICHET_ENV="production", GUICHET_BASE_URL="https://guichet.example", GUICHET_WEBHOOK_SECRET=SECRET,
                      GUICHET_KEYS_SECRET=SECRET)
    refused = run(production, "serve", "--port", str(free_port()), check=False)
    assert refused.returncode != 0
    assert "demo accounts" in refused.stdout + refused.stderr, refused.stdout + refused.stderr

    empty = fresh_env(tmp_path / "empty", GUICHET_ENV="production", GUICHET_WEBHOOK_SECRET=SECRET, GUICHET_KEYS_SECRET=SECRET,
                      GUICHET_BASE_URL="http://guichet.example")
    plain = run(empty, "serve", "--port", str(free_port()), check=False)
    assert plain.returncode != 0 and "https" in plain.stdout + plain.stderr
    no_secret = dict(empty, GUICHET_BASE_URL="https://guichet.example")
    no_secret.pop("GUICHET_WEBHOOK_SECRET")
    missing = run(no_secret, "serve", "--port", str(free_port()), check=False)
    assert missing.returncode != 0 and "GUICHET_WEBHOOK_SECRET" in missing.stdout + missing.stderr
    no_keys = dict(empty, GUICHET_BASE_URL="https://guichet.example")
    no_keys.pop("GUICHET_KEYS_SECRET")
    unsealed = run(no_keys, "serve", "--port", str(free_port()), check=False)
    assert unsealed.returncode != 0 and "GUICHET_KEYS_SECRET" in unsealed.stdout + unsealed.stderr


def test_a_second_server_on_one_sqlite_file_is_refused(guichet):
    """The session's server serves its data folder: a second one there stops at once, saying why."""
    data = os.path.dirname(guichet["log"])
    env = dict(os.environ, GUICHET_DATA_DIR=data, LOG_LEVEL="warning", GUICHET_BASE_URL=guichet["base"])
    if os.environ.get("E2E_DATABASE_URL"):
        pytest.skip("the session's server runs on PostgreSQL: the lock is SQLite's")
    second = run(env, "serve", "--port", str(free_port()), check=False)
    assert second.returncode != 0
    assert "another Guichet server already serves" in second.stdout + second.stderr, second.stdout + second.stderr
    assert urllib.request.urlopen(guichet["base"] + "/readyz", timeout=5).status == 200, "the first one still serves"
