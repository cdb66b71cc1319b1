#!/usr/bin/env python3
"""Per-message costs from a JFR recording of bench/cpu-per-message: GC pause and JIT compile time, bytes
allocated (the sum of jdk.ObjectAllocationSample weights, an estimate of every byte allocated), fsyncs
(jdk.FileForce, recorded with threshold 0), allocation by the first method of ours and by allocating frame,
and the hot methods by self time (top frame) and by total time (anywhere on the stack, once per sample).

    jfrcost.py --messages N COSTS.json [SAMPLES.txt] [TOP]

COSTS.json is `jfr print --json --events jdk.GarbageCollection,jdk.Compilation,jdk.ObjectAllocationSample,
jdk.FileForce`; SAMPLES.txt is `jfr print --events jdk.ExecutionSample` (as jfrtop.py reads it).
"""
import argparse
import collections
import json
import re


def seconds(v):
    """A JFR duration as printed by `jfr print --json`: an ISO-8601 string (PT0.0012S) or a number of ns."""
    if isinstance(v, (int, float)):
        return v / 1e9
    m = re.match(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$", v or "")
    if not m:
        return 0.0
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


def frames(event):
    st = event["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames") or []:
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?").replace("/", ".")
        out.append(f"{t}.{m.get('name', '?')}")
    return out


def samples(path):
    stack = None
    for line in open(path, errors="replace"):
        s = line.strip()
        if s.startswith("jdk.ExecutionSample"):
            if stack is not None:
                yield stack
            stack = []
        elif stack is not None:
            m = re.match(r"^([\w$.<>/]+)\(", s)
            if m:
                stack.append(m.group(1))
    if stack is not None:
        yield stack


def short(name):
    return name.replace("dev.postamt.", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, required=True)
    ap.add_argument("costs")
    ap.add_argument("samples", nargs="?")
    ap.add_argument("top", nargs="?", type=int, default=25)
    a = ap.parse_args()
    n = a.messages
    events = json.load(open(a.costs))["recording"]["events"]
    gc_pause = jit = alloc = 0.0
    gcs = forces = 0
    alloc_ours = collections.Counter()
    alloc_top = collections.Counter()
    force_where = collections.Counter()
    for e in events:
        t, v = e["type"], e["values"]
        if t == "jdk.GarbageCollection":
            gcs += 1
            gc_pause += seconds(v.get("sumOfPauses"))
        elif t == "jdk.Compilation":
            jit += seconds(v.get("duration"))
        elif t == "jdk.ObjectAllocationSample":
            w = v.get("weight") or 0
            alloc += w
            fs = frames(e)
            ours = next((f for f in fs if f.startswith("dev.postamt.")), "(none)")
            alloc_ours[short(ours)] += w
            alloc_top[short(fs[0]) if fs else "?"] += w
        elif t == "jdk.FileForce":
            forces += 1
            fs = frames(e)
            force_where[short(next((f for f in fs if f.startswith("dev.postamt.")), "(none)"))] += 1
    print(f"per message over {n} messages: GC {gcs / n:.3f} collections, {1000 * gc_pause / n:.3f} ms pause; "
          f"JIT compile {1000 * jit / n:.3f} ms; allocated {alloc / n / 1024:.1f} KiB; fsync {forces / n:.2f}")
    for k, c in force_where.most_common(8):
        print(f"  fsync {c / n:5.2f}/msg  {k}")
    print("allocation per message by first frame of ours:")
    for k, w in alloc_ours.most_common(a.top):
        print(f"  {w / n / 1024:8.1f} KiB  {k}")
    print("allocation per message by allocating frame:")
    for k, w in alloc_top.most_common(a.top):
        print(f"  {w / n / 1024:8.1f} KiB  {k}")
    if a.samples:
        self_t, total_t = collections.Counter(), collections.Counter()
        count = 0
        for st in samples(a.samples):
            count += 1
            if st:
                self_t[short(st[0])] += 1
            for f in set(st):
                if f.startswith("dev.postamt."):
                    total_t[short(f)] += 1
        if count:
            print(f"hot methods by self time ({count} samples):")
            for k, c in self_t.most_common(a.top):
                print(f"  {100 * c / count:5.1f}%  {k}")
            print("our methods by total time:")
            for k, c in total_t.most_common(2 * a.top):
                print(f"  {100 * c / count:5.1f}%  {k}")


if __name__ == "__main__":
    main()
