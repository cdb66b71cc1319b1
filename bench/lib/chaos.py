#!/usr/bin/env python3
"""kill -9 chaos test for Postamt's SMTP path (driven by bench/chaos).

Several SMTP clients (threads, smtplib) send mail to one local user, each message with a unique id in its
Subject and in a last body line; a client records an id only when the server has answered 250 to its
DATA. Meanwhile the server process is killed with SIGKILL at random moments and restarted, repeatedly.
At the end the server is started once more and given time to deliver what it has queued; then every
acknowledged id must be in the Maildir exactly once, and no message may be torn (missing its last line).

Prints progress to stderr, a summary, and as the last line: lost=N duplicated=M. Exit 1 if either (or
the number of torn messages) is not zero, 2 if the test itself could not run.
"""
import argparse
import os
import random
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time

SUBJECT = re.compile(rb"^Subject: (chaos-\d+-\d+)\r?$", re.M)


def log(*a):
    print("chaos:", *a, file=sys.stderr, flush=True)


def wait_port(port, seconds, proc=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    def __init__(self, cmd, log_path):
        self.cmd, self.log_path, self.proc = cmd, log_path, None

    def start(self):
        out = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()


def client(cid, port, acked, lock, stop, stats, big_every):
    rnd = random.Random(cid)
    n = 0
    while not stop.is_set():
        try:
            with smtplib.SMTP("127.0.0.1", port, local_hostname=f"client{cid}.chaos.test", timeout=10) as s:
                while not stop.is_set():
                    mid = f"chaos-{cid}-{n}"
                    n += 1
                    # mostly small messages, now and then a large one, so that kills also land mid-DATA
                    lines = 2000 if big_every and rnd.randrange(big_every) == 0 else 40
                    body = "".join(f"line {i} of {mid} ..........................................\r\n" for i in range(lines))
                    msg = (f"From: <c{cid}@chaos.test>\r\nTo: <alice@example.test>\r\nSubject: {mid}\r\n"
                           f"Message-ID: <{mid}@chaos.test>\r\n\r\n{body}END {mid}\r\n")
                    stats["attempted"] += 1
                    s.sendmail(f"c{cid}@chaos.test", ["alice@example.test"], msg.encode("ascii"))
                    # sendmail returned: the server answered 250 to the end of DATA
                    with lock:
                        acked.add(mid)
        except (OSError, smtplib.SMTPException):
            stats["errors"] += 1  # mostly "connection refused" while the server restarts
            time.sleep(0.1)


def scan(maildir):
    """(id -> copies, torn files, files without an id)"""
    seen, torn, unknown = {}, [], []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name.startswith("."):
                continue
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            m = SUBJECT.search(data)
            if not m:
                unknown.append(name)
                continue
            mid = m.group(1).decode()
            seen[mid] = seen.get(mid, 0) + 1
            if not data.rstrip(b"\r\n").endswith(f"END {mid}".encode()):
                torn.append(name)
    return seen, torn, unknown


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--min-up", type=float, default=0.3, help="least seconds of load before a kill")
    ap.add_argument("--max-up", type=float, default=4.0, help="most seconds of load before a kill")
    ap.add_argument("--big-every", type=int, default=10, help="one message in N is ~130 KB (0: never)")
    ap.add_argument("--drain", type=float, default=180, help="seconds to wait for queued mail at the end")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("server", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally: below, which stops the server
    cmd = a.server[1:] if a.server and a.server[0] == "--" else a.server
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)
    log(f"seed={seed} clients={a.clients} kills={a.kills}")

    server = Server(cmd, a.log)
    acked, lock, stop = set(), threading.Lock(), threading.Event()
    stats = {"attempted": 0, "errors": 0}
    threads = []
    try:
        for k in range(a.kills):
            server.start()
            if not wait_port(a.port, 90, server.proc):
                log("server did not come up; see", a.log)
                return 2
            if not threads:
                threads = [threading.Thread(target=client, args=(c, a.port, acked, lock, stop, stats, a.big_every),
                                            daemon=True) for c in range(a.clients)]
                for t in threads:
                    t.start()
            up = rnd.uniform(a.min_up, a.max_up)
            before = len(acked)
            time.sleep(up)
            server.kill9()
            log(f"kill {k + 1}/{a.kills} after {up:.2f}s of load: {len(acked) - before} acknowledged in that time, "
                f"{len(acked)} in all")
        stop.set()
        for t in threads:
            t.join(15)
        # a last start: the server must resume and deliver everything it acknowledged
        server.start()
        if not wait_port(a.port, 90, server.proc):
            log("server did not come up for the final check; see", a.log)
            return 2
        end = time.monotonic() + a.drain
        while True:
            seen, torn, unknown = scan(a.maildir)
            if acked.issubset(seen.keys()) or time.monotonic() > end:
                break
            time.sleep(0.5)
        time.sleep(2)  # anything still being delivered twice would show now
        seen, torn, unknown = scan(a.maildir)
    finally:
        stop.set()
        server.stop()

    lost = sorted(acked - seen.keys())
    dup = {m: c for m, c in seen.items() if c > 1}
    duplicated = sum(c - 1 for c in dup.values())
    unacked_delivered = len(seen.keys() - acked)
    print(f"acknowledged={len(acked)} attempted={stats['attempted']} client_reconnects={stats['errors']} "
          f"kills={a.kills} delivered_ids={len(seen)} delivered_unacknowledged={unacked_delivered} "
          f"torn={len(torn)} unparseable={len(unknown)}")
    if lost:
        print("lost (first 20):", " ".join(lost[:20]))
    if dup:
        print("duplicated (first 20):", " ".join(f"{m}x{c}" for m, c in list(dup.items())[:20]))
    if torn:
        print("torn (first 20):", " ".join(torn[:20]))
    if len(acked) == 0:
        log("nothing was acknowledged: the test did not test anything")
        print(f"lost={len(lost)} duplicated={duplicated}")
        return 2
    print(f"lost={len(lost)} duplicated={duplicated}")
    return 1 if lost or duplicated or torn or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
