#!/usr/bin/env python3
"""SORT and THREAD timings over one big mailbox, for bench/imap-sort (Python 3 stdlib only).

    sortbench.py mkmail --dir MAILDIR/new --count N     # N messages with threads, Re:/Fwd: subjects
    sortbench.py run --port P --user U --password PW [--pid PID]
                                                        # one line per command: name cold_s warm_s count
                                                        # (with --pid also the CPU ms the process PID used: cold warm)

Each command is sent twice in one session after SELECT: "cold" is the first answer (the server reads
what it needs), "warm" the second. The number of messages in each answer is printed too, so that the
two servers can be seen to answer the same question.
"""
import argparse
import imaplib
import os
import random
import time

COMMANDS = [
    ("SORT ARRIVAL", "SORT", "(ARRIVAL) UTF-8 ALL"),
    ("SORT SUBJECT", "SORT", "(SUBJECT) UTF-8 ALL"),
    ("SORT FROM", "SORT", "(FROM) UTF-8 ALL"),
    ("SORT REVERSE DATE", "SORT", "(REVERSE DATE) UTF-8 ALL"),
    ("SORT SIZE UNSEEN", "SORT", "(SIZE) UTF-8 UNSEEN"),
    ("THREAD REFERENCES", "THREAD", "REFERENCES UTF-8 ALL"),
    ("THREAD ORDEREDSUBJECT", "THREAD", "ORDEREDSUBJECT UTF-8 ALL"),
]


def mkmail(a):
    os.makedirs(a.dir, exist_ok=True)
    rnd = random.Random(11)
    t = int(time.time()) - 86400 * 30
    topics = [f"topic {k} {rnd.choice(['budget', 'release', 'lunch', 'report', 'travel'])}" for k in range(a.count // 8 + 1)]
    threads = {}
    for i in range(a.count):
        k = rnd.randrange(len(topics))
        parent = threads.get(k)
        prefix = "" if parent is None else rnd.choice(["Re: ", "RE: ", "Fwd: ", "Re: Re: "])
        refs = "" if parent is None else f"In-Reply-To: {parent[-1]}\r\nReferences: {' '.join(parent[-5:])}\r\n"
        mid = f"<sort-{i}@bench.test>"
        threads.setdefault(k, []).append(mid)
        day = 1 + (i * 7919) % 28
        body = "".join(f"line {n} of message {i}\r\n" for n in range(rnd.choice([5, 20, 80])))
        msg = (f"From: Person {i % 97} <p{i % 97}@sender{i % 13}.test>\r\n"
               f"To: alice@example.test\r\nSubject: {prefix}{topics[k]}\r\n"
               f"Date: {day:02d} Nov 2026 {i % 24:02d}:{i % 60:02d}:00 +0000\r\n"
               f"Message-ID: {mid}\r\n{refs}MIME-Version: 1.0\r\n"
               f"Content-Type: text/plain; charset=us-ascii\r\n\r\n{body}").encode()
        name = f"{t + i}.M{i}P1.sortbench" + (":2,S" if i % 3 else "")
        with open(os.path.join(a.dir, name), "wb") as f:
            f.write(msg)


def cpu_ms(pid):
    """User + system CPU time of process pid so far, in ms (0 without a pid): on a busy machine the
    seconds a command takes say more about the machine than about the server; its CPU time does not."""
    if not pid:
        return 0
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def run(a):
    c = imaplib.IMAP4("127.0.0.1", a.port, timeout=600)
    c.login(a.user, a.password)
    c0 = cpu_ms(a.pid)
    t0 = time.monotonic()
    typ, data = c.select("INBOX")
    t, cpu = time.monotonic() - t0, cpu_ms(a.pid) - c0
    print(f"SELECT {t:.2f} {t:.2f} {int(data[0])}" + (f" {cpu} {cpu}" if a.pid else ""), flush=True)
    for name, verb, args in COMMANDS:
        times, cpus, count = [], [], 0
        for _ in range(2):
            c0 = cpu_ms(a.pid)
            t0 = time.monotonic()
            typ, data = c._simple_command(verb, args)
            typ, data = c._untagged_response(typ, data, verb)
            times.append(time.monotonic() - t0)
            cpus.append(cpu_ms(a.pid) - c0)
            if typ != "OK":
                raise SystemExit(f"{name}: {typ} {data}")
            text = (data[0] or b"").decode()
            count = len(text.replace("(", " ").replace(")", " ").split())
        print(f"{name.replace(' ', '_')} {times[0]:.2f} {times[1]:.2f} {count}" + (f" {cpus[0]} {cpus[1]}" if a.pid else ""),
              flush=True)
    c.logout()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["mkmail", "run"])
    ap.add_argument("--dir")
    ap.add_argument("--count", type=int, default=50000)
    ap.add_argument("--port", type=int)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--pid", type=int, default=0)
    a = ap.parse_args()
    {"mkmail": mkmail, "run": run}[a.mode](a)
