# Drives Postamt's POP3 server with Python's poplib as a mail collector would.
# Usage: poplib_client.py PORT MODE USER   (MODE: stls | ssl)
# The user's INBOX must hold exactly 3 messages; the script leaves 2 (it deletes the third).
import poplib
import ssl
import sys

port, mode, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def connect():
    if mode == "ssl":
        return poplib.POP3_SSL("127.0.0.1", port, context=ctx)
    m = poplib.POP3("127.0.0.1", port)
    caps = m.capa()
    # from 127.0.0.1 login is allowed before TLS (the loopback rule IMAP and Dovecot have too); the
    # refusal elsewhere is tested in Pop3AuthTest
    check("STLS" in caps and "USER" in caps, "caps before TLS: %r" % caps)
    m.stls(ctx)
    return m


def login():
    m = connect()
    caps = m.capa()
    check("USER" in caps and caps.get("SASL") == ["SCRAM-SHA-256", "PLAIN", "LOGIN"] and "UIDL" in caps and "TOP" in caps
          and "RESP-CODES" in caps and "STLS" not in caps, "caps with TLS: %r" % caps)
    m.user(user)
    m.pass_("secret")
    return m


M = login()
count, size = M.stat()
check(count == 3, "stat count %d" % count)
resp, listing, _ = M.list()
sizes = [int(l.split()[1]) for l in listing]
check(sum(sizes) == size, "list sizes %r add up to stat %d" % (sizes, size))
for i in range(1, 4):
    resp, lines, octets = M.retr(i)
    # poplib counts CRLF line ends and undoes the byte-stuffing: the exact RFC 1939 size
    check(octets == sizes[i - 1], "retr %d octets %d vs list %d" % (i, octets, sizes[i - 1]))
    check(b".dot line" in lines, "byte-stuffing undone in message %d" % i)
resp, lines, _ = M.top(1, 0)
check(lines[-1] == b"" and not any(l.startswith(b"line") for l in lines), "top 1 0: %r" % lines)
resp, uidls, _ = M.uidl()
ids = [l.split()[1] for l in uidls]
check(len(set(ids)) == 3, "uidl unique: %r" % ids)

# the maildrop lock
try:
    login()
    check(False, "second session got the maildrop")
except poplib.error_proto as e:
    check(e.args[0].startswith(b"-ERR [IN-USE]"), "second session: %r" % e.args)

M.dele(1)
M.rset()
M.dele(3)
check(M.stat()[0] == 2, "stat after dele")
M.quit()

M = login()
check(M.stat()[0] == 2, "2 left after quit")
resp, uidls, _ = M.uidl()
check([l.split()[1] for l in uidls] == ids[:2], "uidl stable: %r vs %r" % (uidls, ids))
M.quit()
print("OK")
