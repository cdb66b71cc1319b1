# Python's imaplib against CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): one connection keeps a UID
# SEARCH and a UID SORT live with RETURN (UPDATE ...), a second one changes the mailbox, and the first
# collects the unsolicited ESEARCH ADDTO / REMOVEFROM responses (imaplib files them under "ESEARCH").
# Usage: imaplib_context.py PORT   Prints OK, or FAIL: what.
import imaplib
import re
import sys

port = int(sys.argv[1])
imaplib.Commands["CANCELUPDATE"] = ("SELECTED",)


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def esearch(conn):
    """The ESEARCH responses collected since the last call, as text."""
    got = conn.untagged_responses.pop("ESEARCH", [])
    return [g.decode() if isinstance(g, bytes) else str(g) for g in got]


def append(conn, subject, flags=None):
    msg = ("Subject: %s\r\n\r\nbody\r\n" % subject).encode()
    typ, data = conn.append("INBOX", flags, None, msg)
    check(typ == "OK", "APPEND: %r" % (data,))


a = imaplib.IMAP4("127.0.0.1", port)
b = imaplib.IMAP4("127.0.0.1", port)
for conn in (a, b):
    typ, _ = conn.login("alice", "secret")
    check(typ == "OK", "LOGIN")
caps = a.capability()[1][0].decode().split()
check("CONTEXT=SEARCH" in caps and "CONTEXT=SORT" in caps, "capabilities: %r" % (caps,))

append(b, "first")
append(b, "second", "(\\Seen)")
typ, _ = a.select("INBOX")
check(typ == "OK", "SELECT")
b.select("INBOX")

typ, data = a.uid("SEARCH", "RETURN", "(UPDATE ALL)", "UNSEEN")
check(typ == "OK", "UID SEARCH RETURN (UPDATE ALL): %r" % (data,))
first = esearch(a)
check(len(first) == 1 and first[0].endswith("UID ALL 1"), "first answer: %r" % (first,))
search_tag = re.match(r'\(TAG "([^"]+)"\)', first[0]).group(1)
typ, data = a.uid("SORT", "RETURN", "(UPDATE)", "(REVERSE SUBJECT)", "UTF-8", "ALL")
check(typ == "OK", "UID SORT RETURN (UPDATE): %r" % (data,))
first = esearch(a)
check(len(first) == 1, "sort answer: %r" % (first,))
sort_tag = re.match(r'\(TAG "([^"]+)"\)', first[0]).group(1)

# A new unseen message: both contexts grow; the sort context puts it first (by subject, descending).
append(b, "third")
typ, _ = a.noop()
check(typ == "OK", "NOOP")
got = esearch(a)
check('(TAG "%s") UID ADDTO (0 3)' % search_tag in got, "search ADDTO after delivery: %r" % (got,))
check('(TAG "%s") UID ADDTO (1 3)' % sort_tag in got, "sort ADDTO at position 1: %r" % (got,))

# Another client reads message 1: it leaves the UNSEEN result.
typ, _ = b.store("1", "+FLAGS", "(\\Seen)")
check(typ == "OK", "STORE")
a.noop()
got = esearch(a)
check(got == ['(TAG "%s") UID REMOVEFROM (0 1)' % search_tag], "REMOVEFROM after STORE: %r" % (got,))

# Expunged: the sort context drops message 2 (position 2 of 3, 2, 1).
b.store("2", "+FLAGS", "(\\Deleted)")
b.expunge()
a.noop()
got = esearch(a)
check(got == ['(TAG "%s") UID REMOVEFROM (2 2)' % sort_tag], "sort REMOVEFROM after EXPUNGE: %r" % (got,))

# CANCELUPDATE ends both; later changes are not told.
typ, data = a._simple_command("CANCELUPDATE", '"%s"' % search_tag, '"%s"' % sort_tag)
check(typ == "OK", "CANCELUPDATE: %r" % (data,))
append(b, "fourth")
a.noop()
got = esearch(a)
check(got == [], "updates after CANCELUPDATE: %r" % (got,))
for conn in (a, b):
    conn.logout()
print("OK")
