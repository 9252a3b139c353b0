"""schemathesis, an independent client, against the running server's own description (/api/openapi.json): every
operation, with generated valid and invalid input, anonymously and with an agent's read-only token. No answer may
be a server error, and every answer must match the schema it is documented with."""
import os
import re
import subprocess
import sys

from resilience import Agent, Server


def run_schemathesis(base, *extra):
    return subprocess.run([sys.executable, "-m", "schemathesis.cli", "run", base + "/api/openapi.json",
                           "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance",
                           "--max-examples", os.environ.get("SCHEMATHESIS_EXAMPLES", "40"), "--seed", "20261201",
                           *extra], capture_output=True, text=True, timeout=900)


def summary(out):
    found = re.search(r"(\d+) generated, (\d+) passed", out)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def test_the_api_keeps_its_own_description(smtp, tmp_path):
    # A server of its own: thousands of wrong tracking codes would put the shared one's limit on this address.
    server = Server(tmp_path / "data", smtp["port"]).start()
    try:
        check_against(server.base)
    finally:
        server.stop()


def check_against(base):
    agent = Agent(base, "agent@caluire-et-cuire.demo.fr")
    page = agent.post("/bo/caluire-et-cuire/jetons", {"libelle": "schemathesis", "duree": "30", "acces": "lecture"},
                      form="/bo/caluire-et-cuire/jetons")
    token = re.search(r'id="jeton">([^<]+)<', page).group(1)
    for label, extra in [("anonymous", ()), ("agent token", ("--header", f"Authorization: Bearer {token}"))]:
        result = run_schemathesis(base, *extra)
        generated, passed = summary(result.stdout)
        print(f"schemathesis ({label}): {generated} cases, {passed} passed")
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert generated > 100 and passed == generated
