#!/usr/bin/env python3
"""CPU seconds (user + system) of one process's threads, by kind: JIT compiler threads, GC threads, and
the rest (the application: virtual-thread carriers, the trail writer, ...). With a second snapshot file,
prints the difference as key=value pairs (jit_cpu gc_cpu app_cpu index_cpu ended_cpu), so a round's CPU
per message can be read without the JIT compiling that still goes on after a short warm-up. index_cpu is
the part of app_cpu on the full-text index's threads (search-indexer, search-parse-*, Lucene's merge
threads while they live); ended_cpu is the CPU of threads that ended between the snapshots (the process's
total less its live threads': mostly Lucene merge threads, which end after their merge), in no other key.

    threadcpu.py PID > BEFORE; ...; threadcpu.py PID BEFORE
    threadcpu.py --names PID > BEFORE; ...; threadcpu.py --names PID BEFORE
      (the difference by thread name, digits left out: where a round's CPU went, native code included)
"""
import os
import sys

CLK = os.sysconf("SC_CLK_TCK")


def kind(comm):
    if comm.startswith(("search-", "Lucene")):
        return "index"
    if comm.startswith(("C1 Compiler", "C2 Compiler", "C1 CompilerThre", "C2 CompilerThre")):
        return "jit"
    if comm.startswith(("GC Thread", "G1 ", "VM Thread", "GC ")):
        return "gc"
    return "app"


def threads(pid):
    """(name, user+system ticks) of each live thread of the process, from /proc/PID/task/*/stat."""
    base = f"/proc/{pid}/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index(b"(") + 1:s.rindex(b")")].decode(errors="replace")
        rest = s[s.rindex(b")") + 2:].split()
        yield comm, int(rest[11]) + int(rest[12])


def snapshot(pid):
    out = {"jit": 0, "gc": 0, "app": 0, "index": 0, "ended": 0}
    for comm, ticks in threads(pid):
        k = kind(comm)
        out[k] += ticks
        if k == "index":
            out["app"] += ticks
    with open(f"/proc/{pid}/stat", "rb") as f:
        s = f.read()
    rest = s[s.rindex(b")") + 2:].split()
    live = out["jit"] + out["gc"] + out["app"]
    out["ended"] = int(rest[11]) + int(rest[12]) - live  # process total: live and ended threads
    return out


def by_name(pid):
    out = {}
    for comm, ticks in threads(pid):
        name = "".join(c for c in comm if not c.isdigit()).replace(" ", "_") or "?"
        out[name] = out.get(name, 0) + ticks
    return out


def main():
    if sys.argv[1] == "--names":
        now = by_name(int(sys.argv[2]))
        if len(sys.argv) < 4:
            print(" ".join(f"{k}={v}" for k, v in now.items()))
            return
        before = dict(kv.split("=") for kv in open(sys.argv[3]).read().split())
        diff = {k: (v - int(before.get(k, 0))) / CLK for k, v in now.items()}
        print(" ".join(f"{k}={v:.2f}" for k, v in sorted(diff.items(), key=lambda kv: -kv[1]) if v > 0))
        return
    now = snapshot(int(sys.argv[1]))
    if len(sys.argv) < 3:
        print(" ".join(f"{k}={v}" for k, v in now.items()))
        return
    before = dict(kv.split("=") for kv in open(sys.argv[2]).read().split())
    print(" ".join(f"{k}_cpu={(now[k] - int(before.get(k, 0))) / CLK:.2f}" for k in now))


if __name__ == "__main__":
    main()
