# Python's imaplib against SORT, THREAD (RFC 5256) and COMPRESS=DEFLATE (RFC 4978).
# Usage: imaplib_sort.py PORT   Prints OK, or FAIL: what.
import imaplib
import sys
import zlib

port = int(sys.argv[1])
imaplib.Commands["COMPRESS"] = ("AUTH", "SELECTED")


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


class CompressedIMAP4(imaplib.IMAP4):
    """imaplib has no COMPRESS of its own: after the tagged OK, wrap its socket reads and writes in raw deflate."""

    def compress(self):
        typ, data = self._simple_command("COMPRESS", "DEFLATE")
        check(typ == "OK", "COMPRESS DEFLATE: %r" % (data,))
        self._deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self._inflate = zlib.decompressobj(-15)
        self._pending = b""
        self._compressed = True

    def send(self, data):
        if getattr(self, "_compressed", False):
            data = self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(8192)
        if not chunk:
            raise imaplib.IMAP4.abort("socket closed")
        self._pending += self._inflate.decompress(chunk)

    def read(self, size):
        if not getattr(self, "_compressed", False):
            return super().read(size)
        while len(self._pending) < size:
            self._fill()
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def readline(self):
        if not getattr(self, "_compressed", False):
            return super().readline()
        while b"\n" not in self._pending:
            self._fill()
        i = self._pending.index(b"\n") + 1
        out, self._pending = self._pending[:i], self._pending[i:]
        return out


M = CompressedIMAP4("127.0.0.1", port)
typ, _ = M.login("alice", "secret")
check(typ == "OK", "LOGIN")
caps = M.capability()[1][0].decode().split()  # imaplib keeps the list from before login
for cap in ("SORT", "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT", "COMPRESS=DEFLATE"):
    check(cap in caps, "capability %s in %r" % (cap, caps))
M.compress()

messages = [
    b"Message-ID: <root@py>\r\nDate: Mon, 1 Mar 2021 10:00:00 +0000\r\nFrom: Zoe <zoe@example.test>\r\nSubject: Plans\r\n\r\nroot\r\n",
    b"Message-ID: <reply@py>\r\nReferences: <root@py>\r\nDate: Mon, 1 Mar 2021 11:00:00 +0000\r\nFrom: Adam <adam@example.test>\r\nSubject: Re: Plans\r\n\r\nreply\r\n",
    b"Message-ID: <other@py>\r\nDate: Mon, 1 Mar 2021 09:00:00 +0000\r\nFrom: Mia <mia@example.test>\r\nSubject: =?utf-8?q?=C3=84rger?=\r\n\r\nother\r\n",
]
for m in messages:
    typ, data = M.append("INBOX", None, None, m)
    check(typ == "OK", "APPEND: %r" % (data,))
typ, data = M.select("INBOX")
check(typ == "OK" and data[0] == b"3", "SELECT: %r" % (data,))

typ, data = M.sort("(DATE)", "UTF-8", "ALL")
check(typ == "OK" and data == [b"3 1 2"], "SORT DATE: %r" % (data,))
typ, data = M.sort("(REVERSE FROM)", "UTF-8", "ALL")
check(typ == "OK" and data == [b"1 3 2"], "SORT REVERSE FROM: %r" % (data,))
typ, data = M.sort("(SUBJECT)", "UTF-8", "ALL")
check(typ == "OK" and data == [b"3 1 2"], "SORT SUBJECT: %r" % (data,))
typ, data = M.uid("SORT", "(SUBJECT)", "UTF-8", "ALL")
check(typ == "OK" and data == [b"3 1 2"], "UID SORT: %r" % (data,))
typ, data = M.thread("REFERENCES", "UTF-8", "ALL")
check(typ == "OK" and data == [b"(3)(1 2)"], "THREAD REFERENCES: %r" % (data,))
typ, data = M.thread("ORDEREDSUBJECT", "UTF-8", "NOT", "3")
check(typ == "OK" and data == [b"(1 2)"], "THREAD ORDEREDSUBJECT: %r" % (data,))
typ, data = M.fetch("2", "(BODY.PEEK[TEXT])")
check(typ == "OK" and data[0][1] == b"reply\r\n", "FETCH over COMPRESS: %r" % (data,))
typ, data = M.sort("(DATE)", "ISO-8859-1", "ALL")
check(typ == "NO" and b"BADCHARSET" in data[0], "SORT with an unknown charset: %r %r" % (typ, data))
M.logout()
print("OK")
