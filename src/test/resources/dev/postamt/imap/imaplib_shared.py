# Two users on one shared folder with Python's imaplib: alice shares "Team" with bob (SETACL), both
# select it, each sees the other's flag changes and new messages (bob also while IDLE), and a
# read-only grant makes bob's STORE fail with NOPERM.
# Usage: imaplib_shared.py PORT
import imaplib
import sys
import time

port = int(sys.argv[1])
SHARED = '"Other Users/alice@example.test/Team"'


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


alice = imaplib.IMAP4("127.0.0.1", port)
bob = imaplib.IMAP4("127.0.0.1", port)
check("ACL" in alice.capabilities and "RIGHTS=TEXK" in alice.capabilities, "ACL capabilities: %r" % (alice.capabilities,))
alice.login("alice", "secret")
bob.login("bob", "secret")

typ, ns = bob.namespace()
check(typ == "OK" and b'"Other Users/"' in ns[0], "NAMESPACE: %r" % ns)

check(alice.create("Team")[0] == "OK", "CREATE Team")
msg = b"From: Alice <alice@example.test>\r\nSubject: plan\r\n\r\nThe plan.\r\n"
check(alice.append("Team", None, imaplib.Time2Internaldate(time.time()), msg)[0] == "OK", "APPEND")
check(alice.setacl("Team", "bob@example.test", "lrswi")[0] == "OK", "SETACL")
typ, acl = alice.getacl("Team")
check(typ == "OK" and b"bob@example.test lrswi" in acl[0], "GETACL: %r" % acl)

typ, boxes = bob.list('"Other Users/"', "*")
check(typ == "OK" and any(b"Other Users/alice@example.test/Team" in b for b in boxes), "bob's LIST: %r" % boxes)
typ, rights = bob.myrights(SHARED)
check(typ == "OK" and b"lrswi" in rights[0], "MYRIGHTS: %r" % rights)

check(alice.select("Team")[0] == "OK", "alice SELECT")
typ, data = bob.select(SHARED)
check(typ == "OK" and data == [b"1"], "bob SELECT: %r" % data)

# bob flags the message; alice sees it at her next command
check(bob.store("1", "+FLAGS", "(\\Flagged)")[0] == "OK", "bob STORE")
alice.noop()
typ, data = alice.fetch("1", "(FLAGS)")
check(b"\\Flagged" in data[0], "alice sees bob's flag: %r" % data)

# alice adds a message while bob idles
tag = bob._new_tag()
bob.send(tag + b" IDLE\r\n")
check(bob.readline().startswith(b"+"), "IDLE continuation")
check(alice.append("Team", None, imaplib.Time2Internaldate(time.time()), msg)[0] == "OK", "second APPEND")
line = bob.readline()
check(line.strip() == b"* 2 EXISTS", "bob told while IDLE: %r" % line)
bob.send(b"DONE\r\n")
while True:
    line = bob.readline()
    if line.startswith(tag):
        check(b" OK " in line, "IDLE done: %r" % line)
        break

# read-only from now on: bob's STORE is refused
check(alice.setacl("Team", "bob@example.test", "lr")[0] == "OK", "SETACL lr")
bob.close()
try:
    bob.select(SHARED)
    check(False, "SELECT of a read-only share answered READ-WRITE")
except imaplib.IMAP4.readonly:
    pass  # imaplib's word for [READ-ONLY]
bob.select(SHARED, readonly=True)
typ, data = bob.store("1", "+FLAGS", "(\\Deleted)")
check(typ == "NO" and b"[NOPERM]" in data[0], "read-only STORE refused with NOPERM: %s %r" % (typ, data))
alice.logout()
bob.logout()
print("OK")
