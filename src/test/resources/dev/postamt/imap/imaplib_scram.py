# A second, independent SCRAM-SHA-256 client (RFC 5802/7677 written out with hashlib and hmac) driving
# Postamt's IMAP server through imaplib: STARTTLS, AUTHENTICATE SCRAM-SHA-256, check the server's
# signature, SELECT INBOX.
# Usage: imaplib_scram.py PORT USER PASSWORD   prints OK, or NO when the server refused the proof
import base64
import hashlib
import hmac
import imaplib
import os
import ssl
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Scram:
    def __init__(self):
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.step = 0
        self.verified = False

    def __call__(self, challenge):
        self.step += 1
        if self.step == 1:
            name = user.replace("=", "=3D").replace(",", "=2C")
            self.first_bare = "n=%s,r=%s" % (name, self.nonce)
            return ("n,," + self.first_bare).encode()
        if self.step == 2:
            server_first = challenge.decode()
            attrs = dict(a.split("=", 1) for a in server_first.split(","))
            if not attrs["r"].startswith(self.nonce):
                return None
            salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
            client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            stored_key = hashlib.sha256(client_key).digest()
            without_proof = "c=biws,r=" + attrs["r"]
            auth_message = ",".join([self.first_bare, server_first, without_proof]).encode()
            signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
            server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
            self.expected = "v=" + base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
            return (without_proof + ",p=" + base64.b64encode(proof).decode()).encode()
        # server-final-message as a last challenge: verify it, answer with an empty response
        if challenge.decode() != self.expected:
            return None
        self.verified = True
        return b""


M = imaplib.IMAP4("127.0.0.1", port)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
M.starttls(ctx)
if "AUTH=SCRAM-SHA-256" not in M.capabilities:
    print("FAIL: capabilities %r" % (M.capabilities,))
    sys.exit(1)
scram = Scram()
try:
    typ, _ = M.authenticate("SCRAM-SHA-256", scram)
except imaplib.IMAP4.error as e:
    print("NO" if "AUTHENTICATIONFAILED" in str(e) else "FAIL: %s" % e)
    sys.exit(0)
if typ != "OK" or not scram.verified:
    print("FAIL: %s, server signature verified: %s" % (typ, scram.verified))
    sys.exit(1)
typ, data = M.select("INBOX")
print("OK" if typ == "OK" else "FAIL: SELECT %r" % (data,))
M.logout()
