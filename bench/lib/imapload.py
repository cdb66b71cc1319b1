#!/usr/bin/env python3
"""IMAP load generator for bench/imap-vs-dovecot (Python 3 stdlib only).

    imapload.py mix  --port P [--host H] [--port P2 --host H2 ...] --user U --password W --sessions N
                     --seconds S [--pid PID ...] [--base B]
    imapload.py idle --port P --user U --password W --count N [--batch B] [--pid PID] [--timeout S]
    imapload.py mkmail --dir MAILDIR/new --count N

mix: modelled on imaptest's default mix. N parallel sessions (threads, raw sockets), each looping
LOGIN, SELECT INBOX, FETCH 1:* (FLAGS), FETCH 3 random messages BODY.PEEK[], STORE +FLAGS (\\Seen
\\Flagged) and STORE -FLAGS on a random message, APPEND a ~2 KiB message, UID STORE +FLAGS.SILENT
(\\Deleted) on it (UID from APPENDUID), EXPUNGE, LOGOUT, until S seconds are over. Only the first
B messages (the pre-loaded ones, never deleted) are fetched and flagged. With several --port (each
with its --host, 127.0.0.1 when left out), session k talks to the (k mod n)-th: one load spread over
several servers (bench/pg-nodes). An operation is a command
answered with a tagged OK; NO/BAD replies and lost connections are errors. With --pid, the CPU seconds
and peak RSS/PSS of that process tree are measured (bench/lib/measure.py). Prints one key=value line.

idle: opens N connections in batches (non-blocking, one thread), each LOGIN, SELECT INBOX, IDLE, waits
until all have the "+ idling" continuation (or the timeout), samples the server tree's memory, then
closes them. Prints one key=value line.
"""
import argparse
import os
import random
import re
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

LIT = re.compile(rb"\{(\d+)\+?\}\r\n$")


class Closed(Exception):
    pass


class Session:
    def __init__(self, port, timeout=30, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout)
        self.f = self.sock.makefile("rb", buffering=65536)
        self.n = 0
        self.readline()  # greeting

    def readline(self):
        line = self.f.readline()
        if not line:
            raise Closed()
        # a line ending in a literal: read it, then the rest of the response
        while True:
            m = LIT.search(line)
            if not m:
                return line
            data = self.f.read(int(m.group(1)))
            rest = self.f.readline()
            if not rest:
                raise Closed()
            line = line + data + rest

    def cmd(self, text, literal=None):
        """Sends one command; returns (status, untagged lines, tagged line)."""
        self.n += 1
        tag = b"a%d" % self.n
        if literal is None:
            self.sock.sendall(tag + b" " + text + b"\r\n")
        else:
            self.sock.sendall(tag + b" " + text + b" {%d}\r\n" % len(literal))
            while True:
                line = self.readline()
                if line.startswith(b"+"):
                    break
                if line.startswith(tag + b" "):
                    return line.split(b" ", 2)[1], [], line
            self.sock.sendall(literal + b"\r\n")
        untagged = []
        while True:
            line = self.readline()
            if line.startswith(tag + b" "):
                return line.split(b" ", 2)[1], untagged, line
            untagged.append(line)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def message(i, size):
    body = ("".join(f"line {n} of message {i}: the quick brown fox jumps over the lazy dog\r\n"
                    for n in range(size // 70 + 1)))
    return (f"From: Bench Sender <sender{i % 17}@client.bench.test>\r\n"
            f"To: alice@example.test\r\n"
            f"Subject: bench message {i}\r\n"
            f"Date: Mon, 23 Nov 2026 12:{i % 60:02d}:00 +0000\r\n"
            f"Message-ID: <bench-{i}@client.bench.test>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body).encode()


def mkmail(a):
    os.makedirs(a.dir, exist_ok=True)
    rnd = random.Random(7)
    t = int(time.time()) - 86400
    for i in range(a.count):
        size = rnd.choice([1000, 2000, 4000, 8000, 20000, 60000])
        with open(os.path.join(a.dir, f"{t + i}.M{i}P1.bench"), "wb") as f:
            f.write(message(i, size))


def mix(a):
    deadline = None
    lock = threading.Lock()
    stats = {"ops": 0, "errors": 0, "no": 0, "bad": 0, "disconnects": 0, "sessions": 0, "connect_errors": 0}
    errs = []
    start = threading.Event()
    app = message(999999, 2000)
    hosts = (a.host or []) + ["127.0.0.1"] * (len(a.port) - len(a.host or []))

    def worker(k):
        rnd = random.Random(k)
        host, port = hosts[k % len(a.port)], a.port[k % len(a.port)]
        ops = no = bad = disc = loops = cerr = 0
        start.wait()

        def chk(r, what):
            nonlocal ops, no, bad
            st = r[0]
            if time.monotonic() > deadline:
                return
            if st == b"OK":
                ops += 1
            elif st == b"NO":
                no += 1
                if len(errs) < 5:
                    errs.append(f"{what}: {r[2][:200]!r}")
            else:
                bad += 1
                if len(errs) < 5:
                    errs.append(f"{what}: {r[2][:200]!r}")

        while time.monotonic() < deadline:
            try:
                s = Session(port, host=host)
            except OSError as e:
                cerr += 1
                if len(errs) < 5:
                    errs.append(f"connect: {e}")
                time.sleep(0.05)
                continue
            try:
                chk(s.cmd(b'LOGIN "%s" "%s"' % (a.user.encode(), a.password.encode())), "LOGIN")
                r = s.cmd(b"SELECT INBOX")
                chk(r, "SELECT")
                exists = 0
                for u in r[1]:
                    m = re.match(rb"\* (\d+) EXISTS", u)
                    if m:
                        exists = int(m.group(1))
                base = min(a.base, exists) or 1
                if time.monotonic() < deadline:
                    chk(s.cmd(b"FETCH 1:* (FLAGS)"), "FETCH FLAGS")
                for _ in range(3):
                    if time.monotonic() < deadline:
                        chk(s.cmd(b"FETCH %d (BODY.PEEK[])" % rnd.randint(1, base)), "FETCH BODY")
                if time.monotonic() < deadline:
                    chk(s.cmd(b"STORE %d +FLAGS (\\Seen \\Flagged)" % rnd.randint(1, base)), "STORE +")
                if time.monotonic() < deadline:
                    chk(s.cmd(b"STORE %d -FLAGS (\\Seen \\Flagged)" % rnd.randint(1, base)), "STORE -")
                if time.monotonic() < deadline:
                    r = s.cmd(b"APPEND INBOX", app)
                    chk(r, "APPEND")
                    m = re.search(rb"\[APPENDUID \d+ (\d+)\]", r[2])
                    if m and time.monotonic() < deadline:
                        chk(s.cmd(b"UID STORE %s +FLAGS.SILENT (\\Deleted)" % m.group(1)), "UID STORE Deleted")
                        if time.monotonic() < deadline:
                            chk(s.cmd(b"EXPUNGE"), "EXPUNGE")
                if time.monotonic() < deadline:
                    chk(s.cmd(b"LOGOUT"), "LOGOUT")
                loops += 1
            except (OSError, Closed) as e:
                if time.monotonic() < deadline:
                    disc += 1
                    if len(errs) < 5:
                        errs.append(f"disconnect: {e!r}")
            finally:
                s.close()
        with lock:
            stats["ops"] += ops
            stats["no"] += no
            stats["bad"] += bad
            stats["disconnects"] += disc
            stats["sessions"] += loops
            stats["connect_errors"] += cerr

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(a.sessions)]
    for t in threads:
        t.start()
    trees = lambda: [p for root in (a.pid or []) for p in measure.tree(root)]  # noqa: E731
    cpu0 = measure.cpu_seconds(trees()) if a.pid else 0
    peak_rss = peak_pss = 0
    t0 = time.monotonic()
    deadline = t0 + a.seconds
    start.set()
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 60:
        pause = measure.MEM_STEP
        if a.pid and time.monotonic() < deadline:
            began = time.monotonic()
            rss, pss = measure.memory_kib(trees())
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            pause = measure.memory_pause(time.monotonic() - began)  # Dovecot's process per login
        time.sleep(pause)
    secs = time.monotonic() - t0
    cpu1 = measure.cpu_seconds(trees()) if a.pid else 0
    errors = stats["no"] + stats["bad"] + stats["disconnects"] + stats["connect_errors"]
    print(f"ops={stats['ops']} seconds={a.seconds:.1f} rate={stats['ops'] / a.seconds:.1f} "
          f"sessions={stats['sessions']} errors={errors} no={stats['no']} bad={stats['bad']} "
          f"disconnects={stats['disconnects']} connect_errors={stats['connect_errors']} "
          f"cpu={cpu1 - cpu0:.2f} rss_mb={peak_rss / 1024:.0f} pss_mb={peak_pss / 1024:.0f} wall={secs:.1f}")
    for e in errs:
        print("imapload: " + e, file=sys.stderr)


def idle(a):
    sel = selectors.DefaultSelector()
    login = b'a1 LOGIN "%s" "%s"\r\n' % (a.user.encode(), a.password.encode())
    # state: 0 greeting, 1 login sent, 2 select sent, 3 idle sent, 4 idling
    conns = {}
    idling = failed = 0
    errs = []
    t0 = time.monotonic()
    deadline = t0 + a.timeout

    def step(sock, st):
        nonlocal idling, failed
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            data = b""
            if len(errs) < 5:
                errs.append(repr(e))
        if not data:
            if st[0] != 4 or True:
                failed += 1
                if st[0] == 4:
                    idling -= 1
            sel.unregister(sock)
            sock.close()
            del conns[sock]
            return
        st[1] += data
        buf = st[1]
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            if st[0] == 0 and line.startswith(b"* OK"):
                st[0] = 1
                sock.sendall(login)
            elif st[0] == 1 and line.startswith(b"a1 "):
                if not line.startswith(b"a1 OK"):
                    if len(errs) < 5:
                        errs.append(line[:200].decode(errors="replace"))
                st[0] = 2
                sock.sendall(b"a2 SELECT INBOX\r\n")
            elif st[0] == 2 and line.startswith(b"a2 "):
                st[0] = 3
                sock.sendall(b"a3 IDLE\r\n")
            elif st[0] == 3 and line.startswith(b"+"):
                st[0] = 4
                idling += 1
            elif line.startswith(b"* BYE") and len(errs) < 5:
                errs.append(line[:200].decode(errors="replace"))
        st[1] = buf

    opened = 0
    while opened < a.count and time.monotonic() < deadline:
        n = min(a.batch, a.count - opened)
        for _ in range(n):
            s = socket.socket()
            try:
                s.connect(((a.host or ["127.0.0.1"])[0], a.port[0]))
            except OSError as e:
                failed += 1
                if len(errs) < 5:
                    errs.append(f"connect: {e!r}")
                s.close()
                continue
            s.setblocking(False)
            conns[s] = [0, b""]
            sel.register(s, selectors.EVENT_READ)
        opened += n
        # let this batch get to IDLE before the next one
        bt = time.monotonic() + 30
        while idling + failed < opened and time.monotonic() < min(bt, deadline):
            for key, _ in sel.select(0.2):
                if key.fileobj in conns:
                    step(key.fileobj, conns[key.fileobj])
    while idling + failed < opened and time.monotonic() < deadline:
        for key, _ in sel.select(0.2):
            if key.fileobj in conns:
                step(key.fileobj, conns[key.fileobj])
    t_open = time.monotonic() - t0
    time.sleep(2)  # let the server settle
    for key, _ in sel.select(0):
        if key.fileobj in conns:
            step(key.fileobj, conns[key.fileobj])
    rss = pss = 0
    if a.pid:
        for _ in range(5):
            r, p = measure.memory_kib([q for root in a.pid for q in measure.tree(root)])
            rss, pss = max(rss, r), max(pss, p)
            time.sleep(0.2)
    print(f"idle_connections={idling} attempted={a.count} failed={failed} open_secs={t_open:.1f} "
          f"rss_mb={rss / 1024:.0f} pss_mb={pss / 1024:.0f}")
    for e in errs:
        print("imapload idle: " + e, file=sys.stderr)
    sys.stdout.flush()
    if a.hold:  # keep them open a while longer, e.g. for jcmd
        time.sleep(a.hold)
    for s in list(conns):
        try:
            s.sendall(b"DONE\r\na4 LOGOUT\r\n")
        except OSError:
            pass
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["mix", "idle", "mkmail"])
    ap.add_argument("--port", type=int, action="append", help="repeat to spread the mix over several servers")
    ap.add_argument("--host", action="append", help="the address of the server of the --port at the same place")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--base", type=int, default=200)
    ap.add_argument("--pid", type=int, action="append", help="repeat to measure several servers together")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--hold", type=float, default=0, help="idle: seconds to keep the connections after sampling")
    ap.add_argument("--dir")
    a = ap.parse_args()
    {"mix": mix, "idle": idle, "mkmail": mkmail}[a.mode](a)


if __name__ == "__main__":
    main()
