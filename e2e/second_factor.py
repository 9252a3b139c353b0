"""The demo agents' second factor, as their phone would show it: TOTP (RFC 6238: HMAC-SHA-1, 30 s, 6 digits) over
the key Guichet's demo derives from the address (`DemoData.secondFactorKey`). A code is good once, so a second
sign-in of the same agent within its 30 seconds waits for the next code, as a person would."""
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
    """The current code of the account, waiting for the next one when this process used the current one already."""
    step = int(time.time()) // 30
    while step <= _last_step.get(email, -1):
        time.sleep(30 - time.time() % 30 + 0.05)
        step = int(time.time()) // 30
    _last_step[email] = step
    return code_at(key or demo_key(email), step)
