"""The demo agents' second factor, as their phone would show it: TOTP (RFC 6238: HMAC-SHA-1, 30 s, 6 digits) over
the key Guichet's demo derives from the address (`DemoData.secondFactorKey`). A code is good once, so a second
sign-in of the same agent within its 30 seconds uses the next step's code, which Guichet accepts as one step of
clock drift; only a third within the same 30 seconds waits."""
import hashlib
import hmac
import struct
import time

_last_step = {}


def demo_key(email):
    return hashlib.sha256(("guichet-demo-second-factor:" + email.lower()).encode()).digest()[:20]


def code_at(key, step):
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1_000_000)


def fresh_code(email, key=None):
    """A code of the account this process has not used yet: the current step's, else the next one's (accepted
    as drift), else it waits until the next one is current."""
    while True:
        now = int(time.time()) // 30
        step = max(now, _last_step.get(email, -1) + 1)
        if step <= now + 1:
            break
        time.sleep(30 - time.time() % 30 + 0.05)
    _last_step[email] = step
    return code_at(key or demo_key(email), step)
