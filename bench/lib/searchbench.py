#!/usr/bin/env python3
"""Mailbox builder and SEARCH timer for bench/search (Python 3 stdlib only).

    searchbench.py mkmail --corpus DIR --dir MAILDIR/new --count N --rare WORD --rare-every K
    searchbench.py search --port P --user U --password W --reps R [--limit-seconds S] QUERY...

mkmail: N messages made from the corpus (ham/ and spam/, sorted, taken in turn): each a copy with a
new Message-ID, Date and "[copy i]" in front of the Subject. Every K-th copy of a single-part message
without base64 gets the rare word as the first body line. Prints count= rare_copies= bytes=.

search: logs in, SELECTs INBOX, then runs each QUERY (e.g. "BODY please") R times as UID SEARCH,
timing each from sending the command to its tagged OK. Prints one line per query:
query="..." hits=N reps=R p50_ms=X p99_ms=Y (p99 is nearest-rank; with few reps it is the maximum).
With --limit-seconds, a query stops repeating once its runs took that long (at least 3 runs).
"""
import argparse
import email.utils
import imaplib
import math
import os
import re
import sys
import time


def corpus_files(root):
    out = []
    for kind in ("ham", "spam"):
        d = os.path.join(root, kind)
        out += [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".eml")]
    return out


def split(raw):
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i >= 0:
            return raw[:i], sep, raw[i + len(sep):]
    return raw, b"\n\n", b""


HDR_DROP = re.compile(rb"^(message-id|date|subject):", re.I)


def copy(raw, i, rare):
    head, sep, body = split(raw)
    nl = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    lines, subject = [], b""
    skipping = False
    for line in head.split(nl):
        if line[:1] in (b" ", b"\t"):
            if skipping:
                if subject is not None and skipping == "subject":
                    subject += b" " + line.strip()
                continue
            lines.append(line)
            continue
        m = HDR_DROP.match(line)
        if m:
            skipping = m.group(1).lower().decode()
            if skipping == "subject":
                subject = line.split(b":", 1)[1].strip()
            continue
        skipping = False
        lines.append(line)
    t = 1_600_000_000 + i * 60
    lines.append(b"Message-ID: <bench-%d@search.bench.test>" % i)
    lines.append(b"Date: " + email.utils.formatdate(t).encode())
    lines.append(b"Subject: [copy %d] " % i + subject)
    if rare is not None:
        body = rare + nl + body
    return nl.join(lines) + sep + body


def injectable(raw):
    head = split(raw)[0].lower()
    return b"multipart" not in head and b"base64" not in head


def mkmail(a):
    files = corpus_files(a.corpus)
    raws = []
    for f in files:
        with open(f, "rb") as fh:
            raws.append(fh.read())
    os.makedirs(a.dir, exist_ok=True)
    total = rare_copies = 0
    t = int(time.time()) - 86400
    for i in range(a.count):
        raw = raws[i % len(raws)]
        rare = None
        if i % a.rare_every == a.rare_every // 2 and injectable(raw):
            rare = a.rare.encode()
            rare_copies += 1
        m = copy(raw, i, rare)
        name = f"{t + i}.M{i}P1.bench,S={len(m)}"
        with open(os.path.join(a.dir, name), "wb") as fh:
            fh.write(m)
        total += len(m)
    print(f"count={a.count} rare_copies={rare_copies} bytes={total}")


def pct(values, p):
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


def search(a):
    imap = imaplib.IMAP4("127.0.0.1", a.port, timeout=3600)
    imap.login(a.user, a.password)
    typ, _ = imap.select("INBOX")
    if typ != "OK":
        sys.exit("SELECT failed")
    for q in a.query:
        times, hits = [], None
        spent = 0.0
        for r in range(a.reps):
            t0 = time.perf_counter()
            typ, data = imap.uid("SEARCH", *q.split(" ", 1))
            dt = time.perf_counter() - t0
            if typ != "OK":
                sys.exit(f"SEARCH {q} failed: {data}")
            times.append(dt * 1000)
            spent += dt
            n = len(data[0].split()) if data and data[0] else 0
            if hits is not None and n != hits:
                sys.exit(f"SEARCH {q}: {n} hits, earlier {hits}")
            hits = n
            if a.limit_seconds and spent > a.limit_seconds and r >= 2:
                break
        print(f'query="{q}" hits={hits} reps={len(times)} p50_ms={pct(times, 50):.1f} p99_ms={pct(times, 99):.1f}',
              flush=True)
    imap.logout()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mkmail")
    m.add_argument("--corpus", required=True)
    m.add_argument("--dir", required=True)
    m.add_argument("--count", type=int, required=True)
    m.add_argument("--rare", required=True)
    m.add_argument("--rare-every", type=int, default=5000)
    s = sub.add_parser("search")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--user", required=True)
    s.add_argument("--password", required=True)
    s.add_argument("--reps", type=int, default=20)
    s.add_argument("--limit-seconds", type=float, default=0)
    s.add_argument("query", nargs="+")
    a = p.parse_args()
    {"mkmail": mkmail, "search": search}[a.cmd](a)


if __name__ == "__main__":
    main()
