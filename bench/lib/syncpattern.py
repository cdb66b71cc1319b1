#!/usr/bin/env python3
"""How many Maildir-style deliveries a file system takes, without any mail server: THREADS threads each
write N/THREADS files of 4 KiB in DIR/tmp/ and rename them into DIR/new/, with

  two   fsync of the file, rename, fsync of new/   (Postamt's order before its 250)
  one   fsync of the file, rename                   (Postfix's local(8) and Dovecot's order)
  none  no fsync at all                             (the page cache only: the ceiling)

and prints files/s and the per-file latency (p50, p99). It shows what the disk alone allows a server that
syncs as the mode says, e.g. on one of bench/smtp-vs-postfix's loop-mounted file systems (bench/README.md,
2026-12-06). Python threads release the interpreter lock in each system call, so 20 threads sync at once.

  bench/lib/syncpattern.py DIR MODE [N] [THREADS]      (N 4000, THREADS 20)
"""
import os
import sys
import threading
import time


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("two", "one", "none"):
        sys.exit("usage: syncpattern.py DIR two|one|none [N] [THREADS]")
    root, mode = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    for d in ("tmp", "new"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    data = b"x" * 4096
    lat = []

    def worker(t):
        dfd = os.open(os.path.join(root, "new"), os.O_RDONLY)
        try:
            for i in range(n // threads):
                name = f"{t}.{i}"
                tmp = os.path.join(root, "tmp", name)
                t0 = time.perf_counter()
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.write(fd, data)
                if mode != "none":
                    os.fsync(fd)
                os.close(fd)
                os.rename(tmp, os.path.join(root, "new", name))
                if mode == "two":
                    os.fsync(dfd)
                lat.append(time.perf_counter() - t0)
        finally:
            os.close(dfd)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    lat.sort()
    print(f"{mode}: {len(lat) / elapsed:.0f} files/s, p50 {lat[len(lat) // 2] * 1000:.2f} ms, "
          f"p99 {lat[int(len(lat) * 0.99)] * 1000:.2f} ms ({threads} threads, {len(lat)} files)")


if __name__ == "__main__":
    main()
