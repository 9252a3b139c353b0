"""GrandLyon Connect against two independent relying-party libraries, authlib and oic (the real pyoidc; the PyPI
package named `pyoidc` is a squat), and plain HTTP: discovery, the code flow with PKCE, userinfo GET and POST,
refresh with rotation and reuse detection, revocation, introspection, RP-initiated logout, and a key rotation
between two sign-ins with the earlier tokens still verifying."""
import secrets
import subprocess
import time

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from oidc_browser import Person, query, register

FREE_PORT_CALLBACK = "http://127.0.0.1:9/callback"  # nothing listens: the callback URL is read, not followed


@pytest.fixture(scope="module")
def provider(guichet):
    document = requests.get(guichet["base"] + "/.well-known/openid-configuration").json()
    assert document["issuer"] == guichet["base"]
    secret = register(guichet, "--id", "laclasse-test", "--name", "laclasse.com (essai)", "--redirect-uri", FREE_PORT_CALLBACK,
                      "--post-logout-uri", "http://127.0.0.1:9/fin", "--scopes", "openid,profile,email")
    register(guichet, "--id", "mobile-test", "--name", "Application mobile (essai)", "--public",
             "--redirect-uri", "fr.grandlyon.guichet.test:/callback", "--scopes", "openid,email", "--id-token-alg", "ES256")
    assert secret
    return {"document": document, "secret": secret, "base": guichet["base"], "guichet": guichet}


def authlib_client(provider, **kwargs):
    return OAuth2Session("laclasse-test", provider["secret"], scope="openid email profile", redirect_uri=FREE_PORT_CALLBACK,
                         code_challenge_method="S256", **kwargs)


def authlib_sign_in(provider, person=None):
    """The code flow with authlib: returns the session, its token and the nonce sent."""
    document = provider["document"]
    client = authlib_client(provider)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    url, state = client.create_authorization_url(document["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    callback = (person or Person(provider["base"])).authorize(url)
    assert query(callback)["state"] == state
    assert query(callback)["iss"] == provider["base"]
    token = client.fetch_token(document["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    return client, token, nonce


def verified_id_token(provider, id_token, nonce=None):
    """Verified with joserfc (authlib's JOSE library) against the JWKS fetched now."""
    keys = KeySet.import_key_set(requests.get(provider["document"]["jwks_uri"]).json())
    claims = jwt.decode(id_token, keys, algorithms=["ES256", "RS256"]).claims
    expected = {"iss": {"essential": True, "value": provider["base"]}, "aud": {"essential": True, "value": "laclasse-test"},
                "sub": {"essential": True}, "exp": {"essential": True}}
    if nonce:
        expected["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(leeway=5, **expected).validate(claims)
    return claims


def test_authlib_code_flow_with_pkce_userinfo_and_introspection(provider):
    client, token, nonce = authlib_sign_in(provider)
    claims = verified_id_token(provider, token["id_token"], nonce)
    assert claims["email"] == "usager@demo.fr"
    assert claims["acr"] == "urn:grandlyon:connect:local"
    document = provider["document"]
    info = client.get(document["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["email"] == "usager@demo.fr" and info["name"] == "Dominique Usager"
    posted = requests.post(document["userinfo_endpoint"], data={"access_token": token["access_token"]}).json()
    assert posted["sub"] == claims["sub"]
    active = client.introspect_token(document["introspection_endpoint"], token=token["access_token"]).json()
    assert active["active"] is True and active["client_id"] == "laclasse-test" and active["sub"] == claims["sub"]


def test_authlib_refresh_rotates_and_reuse_revokes(provider):
    client, token, _ = authlib_sign_in(provider)
    document = provider["document"]
    first_refresh = token["refresh_token"]
    renewed = client.refresh_token(document["token_endpoint"], refresh_token=first_refresh)
    assert renewed["refresh_token"] != first_refresh
    assert client.get(document["userinfo_endpoint"]).status_code == 200
    reuse = requests.post(document["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": first_refresh},
                          auth=("laclasse-test", provider["secret"]))
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    # The reuse revoked the whole grant: the legitimate holder's new tokens are dead too.
    assert client.get(document["userinfo_endpoint"]).status_code == 401
    again = requests.post(document["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": renewed["refresh_token"]},
                          auth=("laclasse-test", provider["secret"]))
    assert again.status_code == 400


def test_authlib_revocation(provider):
    client, token, _ = authlib_sign_in(provider)
    document = provider["document"]
    assert client.revoke_token(document["revocation_endpoint"], token=token["refresh_token"], token_type_hint="refresh_token").status_code == 200
    inactive = client.introspect_token(document["introspection_endpoint"], token=token["access_token"]).json()
    assert inactive == {"active": False}
    assert client.get(document["userinfo_endpoint"]).status_code == 401


def test_a_reused_code_and_a_wrong_redirect_uri_are_refused(provider):
    document = provider["document"]
    verifier = secrets.token_urlsafe(48)
    client = authlib_client(provider)
    url, _ = client.create_authorization_url(document["authorization_endpoint"], code_verifier=verifier, nonce="n")
    callback = Person(provider["base"]).authorize(url)
    code = query(callback)["code"]
    wrong = requests.post(document["token_endpoint"], data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                                            "redirect_uri": "http://127.0.0.1:9/autre"}, auth=("laclasse-test", provider["secret"]))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier, "redirect_uri": FREE_PORT_CALLBACK}
    first = requests.post(document["token_endpoint"], data=form, auth=("laclasse-test", provider["secret"]))
    assert first.status_code == 200
    second = requests.post(document["token_endpoint"], data=form, auth=("laclasse-test", provider["secret"]))
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert requests.get(document["userinfo_endpoint"], headers={"Authorization": "Bearer " + first.json()["access_token"]}).status_code == 401

    evil = Person(provider["base"]).http.get(url.replace("127.0.0.1%3A9%2Fcallback", "evil.example%2Fcallback"), allow_redirects=False)
    assert evil.status_code == 400 and "Location" not in evil.headers


def test_a_public_client_without_pkce_is_refused_and_prompt_none_needs_a_session(provider):
    document = provider["document"]
    no_pkce = requests.get(document["authorization_endpoint"], params={
        "response_type": "code", "client_id": "mobile-test", "redirect_uri": "fr.grandlyon.guichet.test:/callback", "scope": "openid", "state": "x"},
        allow_redirects=False)
    assert no_pkce.status_code == 303
    assert query(no_pkce.headers["Location"])["error"] == "invalid_request"
    silent = requests.get(document["authorization_endpoint"], params={
        "response_type": "code", "client_id": "laclasse-test", "redirect_uri": FREE_PORT_CALLBACK, "scope": "openid", "state": "s",
        "prompt": "none", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}, allow_redirects=False)
    assert query(silent.headers["Location"]) == {"error": "login_required", "error_description": "the user is not signed in", "state": "s",
                                                 "iss": provider["base"]}


def test_oic_code_flow_userinfo_and_logout(provider):
    from oic.oic import Client
    from oic.oic.message import AuthorizationResponse, RegistrationResponse
    from oic.utils.authn.client import CLIENT_AUTHN_METHOD

    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(provider["base"])
    client.store_registration_info(RegistrationResponse(client_id="laclasse-test", client_secret=provider["secret"],
                                                        redirect_uris=[FREE_PORT_CALLBACK]))
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    pkce, verifier = client.add_code_challenge()
    request = client.construct_AuthorizationRequest(request_args=dict(
        client_id="laclasse-test", response_type="code", scope=["openid", "email"], nonce=nonce, state=state,
        redirect_uri=FREE_PORT_CALLBACK, **pkce))
    person = Person(provider["base"])
    callback = person.authorize(request.request(client.authorization_endpoint))
    response = client.parse_response(AuthorizationResponse, info=callback.split("?", 1)[1], sformat="urlencoded")
    assert response["state"] == state
    tokens = client.do_access_token_request(state=state, request_args={"code": response["code"], "code_verifier": verifier,
                                                                       "redirect_uri": FREE_PORT_CALLBACK},
                                            authn_method="client_secret_basic")
    id_token = tokens["id_token"]  # oic verified its signature against the JWKS, its issuer, audience and nonce
    assert id_token["nonce"] == nonce and id_token["aud"] == ["laclasse-test"]
    for method in ("GET", "POST"):
        info = client.do_user_info_request(state=state, method=method)
        assert info["email"] == "usager@demo.fr" and info["sub"] == id_token["sub"]

    # RP-initiated logout with the ID token of this sign-in: no confirmation, back to the registered address.
    logout = person.http.get(client.end_session_endpoint, params={"id_token_hint": tokens["id_token_jwt"], "state": "au-revoir",
                                                                   "post_logout_redirect_uri": "http://127.0.0.1:9/fin"}, allow_redirects=False)
    assert logout.status_code == 303 and logout.headers["Location"] == "http://127.0.0.1:9/fin?state=au-revoir"
    assert person.http.get(provider["base"] + "/compte", allow_redirects=False).status_code == 303, "signed out of Guichet"
    assert requests.get(client.userinfo_endpoint, headers={"Authorization": "Bearer " + tokens["access_token"]}).status_code == 401


def test_a_key_rotation_keeps_earlier_tokens_verifying(provider):
    guichet = provider["guichet"]
    client, token, nonce = authlib_sign_in(provider)
    earlier_kid = jwt_kid(token["id_token"])
    done = subprocess.run([guichet["binary"], "keys", "rotate"], env=guichet["env"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # The server reads the keys again within ten seconds; until then it signs with the earlier ones, still valid.
    deadline, renewed = time.time() + 20, token
    while time.time() < deadline:
        renewed = client.refresh_token(provider["document"]["token_endpoint"], refresh_token=renewed["refresh_token"])
        if jwt_kid(renewed["id_token"]) != earlier_kid:
            break
        time.sleep(1)
    assert jwt_kid(renewed["id_token"]) != earlier_kid, "new keys sign after a rotation"
    verified_id_token(provider, token["id_token"], nonce)  # the earlier token, against the JWKS fetched now
    verified_id_token(provider, renewed["id_token"])
    assert client.get(provider["document"]["userinfo_endpoint"]).status_code == 200


def test_back_channel_logout_reaches_the_application(provider):
    from relying_party import RelyingParty
    rp = RelyingParty()
    try:
        secret = register(provider["guichet"], "--id", "retour-test", "--name", "Avec déconnexion", "--redirect-uri", rp.base + "/callback",
                          "--backchannel-logout-uri", rp.base + "/backchannel", "--id-token-alg", "ES256")
        document = provider["document"]
        client = OAuth2Session("retour-test", secret, scope="openid", redirect_uri=rp.base + "/callback", code_challenge_method="S256")
        verifier = secrets.token_urlsafe(48)
        url, _ = client.create_authorization_url(document["authorization_endpoint"], code_verifier=verifier, nonce="n")
        person = Person(provider["base"])
        token = client.fetch_token(document["token_endpoint"], authorization_response=person.authorize(url), code_verifier=verifier)
        signed_in = jwt.decode(token["id_token"], KeySet.import_key_set(requests.get(document["jwks_uri"]).json())).claims
        person.http.get(document["end_session_endpoint"], params={"id_token_hint": token["id_token"]}, allow_redirects=False)
        deadline = time.time() + 15
        while time.time() < deadline and not any(path == "/backchannel" for _, path, _ in rp.received):
            time.sleep(0.2)
        posts = [params for method, path, params in rp.received if path == "/backchannel"]
        assert len(posts) == 1, rp.received
        logout = jwt.decode(posts[0]["logout_token"], KeySet.import_key_set(requests.get(document["jwks_uri"]).json()))
        assert logout.header["typ"] == "logout+jwt"
        claims = logout.claims
        assert claims["iss"] == provider["base"] and claims["aud"] == "retour-test"
        assert claims["sid"] == signed_in["sid"] and claims["sub"] == signed_in["sub"]
        assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"] and "nonce" not in claims
    finally:
        rp.close()


def jwt_kid(token):
    import base64, json
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
