# Drives Postamt's IMAP server with Python's imaplib the way a script or a simple client would.
# Usage: imaplib_client.py PORT MODE   (MODE: plain | starttls)
import imaplib
import ssl
import sys
import time

port = int(sys.argv[1])
mode = sys.argv[2]


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


M = imaplib.IMAP4("127.0.0.1", port)
if mode == "starttls":
    check("LOGINDISABLED" in M.capabilities, "LOGINDISABLED before TLS: %r" % (M.capabilities,))
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    M.starttls(ctx)
    check("AUTH=PLAIN" in M.capabilities and "LOGINDISABLED" not in M.capabilities, "caps after TLS")
    typ, _ = M.authenticate("PLAIN", lambda _: b"\0alice\0secret")
    check(typ == "OK", "AUTHENTICATE PLAIN")
else:
    for cap in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "SPECIAL-USE", "LITERAL+"):
        check(cap in M.capabilities, "capability " + cap)
    typ, _ = M.login("alice", "secret")
    check(typ == "OK", "LOGIN")

typ, boxes = M.list()
check(typ == "OK" and any(b'\\Sent' in b and b'"Sent"' in b for b in boxes), "LIST shows Sent: %r" % boxes)
check(M.create('"Projekte/&ANw-bersicht"')[0] == "OK", "CREATE in modified UTF-7")
check(M.create("Test/Sub")[0] == "OK", "CREATE Test/Sub")

msg = b"From: Py <py@example.test>\r\nSubject: from python\r\n\r\nHello from imaplib.\r\n"
typ, data = M.append("INBOX", "(\\Flagged)", imaplib.Time2Internaldate(time.time()), msg)
check(typ == "OK" and b"APPENDUID" in data[0], "APPEND: %r" % data)
typ, data = M.select("INBOX")
check(typ == "OK" and data[0] == b"1", "SELECT: %r" % data)
uidvalidity = M.response("UIDVALIDITY")[1][0]
check(uidvalidity is not None, "UIDVALIDITY")

typ, data = M.search(None, "FROM", '"py@example.test"')
check(data == [b"1"], "SEARCH: %r" % data)
typ, data = M.fetch("1", "(FLAGS RFC822)")
check(typ == "OK" and data[0][1] == msg, "FETCH RFC822: %r" % data)
check(b"\\Seen" in data[0][0] or b"\\Seen" in data[1], "FETCH RFC822 sets \\Seen: %r" % data)
typ, data = M.uid("FETCH", "1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
check(data[0][1] == b"Subject: from python\r\n\r\n", "UID FETCH header fields: %r" % data)
typ, data = M.fetch("1", "(BODYSTRUCTURE ENVELOPE)")
check(typ == "OK" and b"ENVELOPE" in data[0], "BODYSTRUCTURE/ENVELOPE: %r" % data)

typ, data = M.uid("COPY", "1", "Test/Sub")
check(typ == "OK", "UID COPY")
typ, data = M.uid("MOVE", "1", "Archive")
check(typ == "OK", "UID MOVE: %r" % (data,))
typ, data = M.status("Archive", "(MESSAGES UIDNEXT UNSEEN)")
check(data == [b'"Archive" (MESSAGES 1 UIDNEXT 2 UNSEEN 0)'], "STATUS: %r" % data)
typ, data = M.select("Test/Sub")
typ, data = M.store("1", "+FLAGS", "(\\Deleted)")
check(typ == "OK" and b"\\Deleted" in data[0], "STORE: %r" % data)
typ, data = M.expunge()
check(data == [b"1"], "EXPUNGE: %r" % data)
M.close()
check(M.rename("Test", "Renamed")[0] == "OK", "RENAME")
typ, data = M.list('""', "Renamed*")
check(len(data) == 2, "LIST after RENAME: %r" % data)
check(M.delete("Renamed/Sub")[0] == "OK", "DELETE")
typ, data = M.lsub()
check(typ == "OK", "LSUB")
M.logout()
print("OK")
