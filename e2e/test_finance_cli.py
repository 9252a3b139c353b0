"""The finance department's command line on the running instance's database: the 2026 contributions as CSV, and
an import file with bad rows refused whole, each row named."""
import os
import subprocess

from conftest import ROOT


def run(guichet, *args):
    env = dict(os.environ, GUICHET_DATA_DIR=os.path.dirname(guichet["log"]))
    if os.environ.get("E2E_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["E2E_DATABASE_URL"]
    binary = os.environ.get("GUICHET_BIN", os.path.join(ROOT, ".build/debug/guichet"))
    return subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=120)


def test_contributions_and_a_refused_import(guichet, tmp_path):
    done = run(guichet, "contributions", "--year", "2026")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("code_insee,commune,service,offre,population,millesime")
    assert len(lines) == 57
    assert "69034,Caluire-et-Cuire,toodego,partenaire,43573,2021,5000.00,0.2,8714.6,,,1,13714.60,,,non,1,13714.60" in lines

    bad = tmp_path / "montants.csv"
    bad.write_text("code_insee,service,montant_2025\n69034,toodego,10000\n69034,ent,300\n6903,laclasse,abc\n", encoding="utf-8")
    refused = run(guichet, "import", "montants-2025", "--file", str(bad))
    assert refused.returncode == 1
    assert "ligne 3 : service « ent » inconnu" in refused.stderr + refused.stdout
    assert "ligne 4 : code INSEE « 6903 » invalide" in refused.stderr + refused.stdout
    after = run(guichet, "contributions", "--year", "2026")
    assert after.stdout == done.stdout, "nothing was imported"
