# OBJECTID, SAVEDATE, WITHIN and PREVIEW as Python's imaplib sends them (its fetch/search/status pass
# the items through). Usage: imaplib_objectid.py PORT
import imaplib
import re
import sys
import time

port = int(sys.argv[1])


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


M = imaplib.IMAP4("127.0.0.1", port)
for cap in ("OBJECTID", "SAVEDATE", "WITHIN", "PREVIEW"):
    check(cap in M.capabilities, "capability " + cap)
M.login("alice", "secret")
old = imaplib.Time2Internaldate(time.time() - 7200)
msg = b"Subject: py\r\nContent-Type: text/html\r\n\r\n<p>Hello <i>from</i> imaplib</p>\r\n"
check(M.append("INBOX", None, old, msg)[0] == "OK", "APPEND")
typ, data = M.select("INBOX")
mailboxid = M.response("MAILBOXID")[1][0]
check(mailboxid is not None and re.fullmatch(rb"\(m[0-9a-z]+\)", mailboxid), "MAILBOXID on SELECT: %r" % mailboxid)
typ, data = M.status("INBOX", "(MAILBOXID)")
check(typ == "OK" and mailboxid in data[0], "STATUS MAILBOXID: %r" % data)
typ, data = M.fetch("1", "(EMAILID THREADID SAVEDATE PREVIEW)")
m = re.search(rb"EMAILID \((e[0-9a-z_]+)\) THREADID NIL SAVEDATE \"[^\"]+\" PREVIEW \"Hello from imaplib\"", data[0])
check(typ == "OK" and m, "FETCH: %r" % data)
emailid = m.group(1).decode()
typ, data = M.search(None, "EMAILID", emailid)
check(data == [b"1"], "SEARCH EMAILID: %r" % data)
typ, data = M.search(None, "OLDER", "3600")
check(data == [b"1"], "SEARCH OLDER: %r" % data)
typ, data = M.search(None, "YOUNGER", "3600")
check(data == [b""], "SEARCH YOUNGER: %r" % data)
today = time.strftime("%d-%b-%Y", time.localtime())
typ, data = M.search(None, "SAVEDSINCE", today)
check(data == [b"1"], "SEARCH SAVEDSINCE: %r" % data)
M.logout()
print("OK")
