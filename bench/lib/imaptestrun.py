#!/usr/bin/env python3
"""Runs Dovecot's imaptest in its stress mode against one server and measures that server.

    imaptestrun.py --pid PID [--imaptest PATH] -- IMAPTEST-ARGS...   (host=… port=… user=… secs=…)

imaptest's stress mode (no test= script) runs `clients` sessions for `secs` seconds, each picking
commands at random with its default probabilities (LOGIN, LIST, STATUS, SELECT, FETCH, FETCH of
bodies, STORE, DELETE flags, EXPUNGE, APPEND, LOGOUT) and checking every answer against its model of
the mailbox. At the end it prints "Totals:" with one counter per command; ops is their sum. Errors are
the lines it prints as "Error: …" (protocol or state errors it found). Meanwhile the server tree's CPU
seconds and peak RSS/PSS are measured as bench/lib/measure.py does. Prints one key=value line.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--imaptest", default=os.environ.get("IMAPTEST", "/opt/imaptest/src/imaptest"))
    ap.add_argument("--log")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    secs = next((float(x.split("=", 1)[1]) for x in args if x.startswith("secs=")), 30.0)

    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = "/usr/lib/dovecot" + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    pids = measure.tree(a.pid)
    cpu0 = measure.cpu_seconds(pids)
    peak_rss = peak_pss = 0
    t0 = time.monotonic()
    out = open(a.log or os.devnull, "w+b") if a.log else subprocess.PIPE
    p = subprocess.Popen([a.imaptest] + args, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = t0 + secs + 120
    while p.poll() is None:
        began = time.monotonic()
        rss, pss = measure.memory_kib(measure.tree(a.pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if time.monotonic() > deadline:
            p.kill()
            break
        time.sleep(measure.memory_pause(time.monotonic() - began))
    p.wait()
    elapsed = time.monotonic() - t0
    cpu = measure.cpu_seconds(measure.tree(a.pid)) - cpu0
    if a.log:
        out.seek(0)
        text = out.read().decode(errors="replace")
    else:
        text = p.stdout.read().decode(errors="replace")
    ops, names = 0, ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Totals:") and i + 1 < len(lines):
            # the command names, their probabilities ("100%  50% …", maybe a second row), then the counts
            names = lines[i + 1].split()
            row = next((r for r in lines[i + 2:] if r.strip() and re.fullmatch(r"[\d\s]+", r)), "")
            counts = [int(x) for x in row.split()]
            ops = sum(counts)
            detail = ",".join(f"{n}:{c}" for n, c in zip(names, counts))
            break
    else:
        detail = "none"
    errors = sum(1 for line in lines if "Error:" in line or "Panic:" in line or "Fatal:" in line)
    print(
        f"ops={ops} rate={ops / secs:.1f} secs={secs:.0f} elapsed={elapsed:.1f} errors={errors} cpu={cpu:.2f} "
        f"rss_mb={peak_rss / 1024:.0f} pss_mb={peak_pss / 1024:.0f} counts={detail} rc={p.returncode}"
    )
    if errors:
        first = next(line for line in lines if "Error:" in line or "Panic:" in line or "Fatal:" in line)
        print(f"imaptest: {errors} error lines; first: {first[:300]}", file=sys.stderr)


if __name__ == "__main__":
    main()
