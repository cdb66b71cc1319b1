#!/usr/bin/env python3
"""The JIT compilers' work per round of a benchmark, from a JFR recording's jdk.Compilation events (recorded
with threshold 0 ms, so every compilation is there with its duration) and a file of round boundaries.

    jitrounds.py COMPILATIONS.json MARKS [TOP]

COMPILATIONS.json is `jfr print --json --events jdk.Compilation,jdk.Deoptimization REC.jfr`; MARKS has one
line per period, "NAME START END" with the times in seconds since the epoch (bench/jit-rounds writes it).
Prints per period the C1 and C2 compilations (count and seconds of compiler-thread time), C2's split by
where the compiled method lives (Postamt, the JDK, Lucene, SQLite's driver, the rest), the uncommon traps
of compiled code (jdk.Deoptimization), and after them the TOP (default 15) longest C2 compilations of the
measured rounds with the period they fell in: a few very large methods (a whole call tree inlined into one
compile) often cost as much as hundreds of small ones.
"""
import collections
import datetime
import json
import sys


def epoch(s):
    s = s.rstrip("Z")
    whole, _, frac = s.partition(".")
    t = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def seconds(iso):  # "PT0.000515947S" (JFR's Duration), minutes only for very long ones
    if not iso.startswith("PT"):
        return 0.0
    body, total = iso[2:], 0.0
    for unit, factor in (("H", 3600), ("M", 60)):
        if unit in body:
            n, body = body.split(unit, 1)
            total += float(n) * factor
    return total + (float(body[:-1]) if body.endswith("S") else 0.0)


def where(method):
    name = method["type"]["name"].replace("/", ".")
    for prefix, kind in (("dev.postamt.", "postamt"), ("java.", "jdk"), ("jdk.", "jdk"), ("sun.", "jdk"),
                         ("org.apache.lucene.", "lucene"), ("org.sqlite.", "sqlite")):
        if name.startswith(prefix):
            return kind
    return "other"


def label(method):
    return method["type"]["name"].rsplit("/", 1)[-1] + "." + method["name"]


def main():
    events = json.load(open(sys.argv[1]))["recording"]["events"]
    periods = []
    for line in open(sys.argv[2]):
        parts = line.split()
        if len(parts) == 3:
            periods.append((parts[0], float(parts[1]), float(parts[2])))
    top_n = int(sys.argv[3]) if len(sys.argv) > 3 else 15

    def period(t):
        for name, start, end in periods:
            if start <= t < end:
                return name
        return None

    stats = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0.0]))
    traps = collections.Counter()
    longest = []
    for e in events:
        v = e["values"]
        p = period(epoch(v["startTime"]))
        if p is None:
            continue
        if e["type"] == "jdk.Deoptimization":
            if v.get("compiler") == "c2":
                traps[p] += 1
            continue
        if e["type"] != "jdk.Compilation":
            continue
        d = seconds(v["duration"])
        c = v["compiler"]
        for key in (c, c + ":" + where(v["method"])):
            stats[p][key][0] += 1
            stats[p][key][1] += d
        if c == "c2" and not p.startswith(("warm", "start")):
            longest.append((d, p, label(v["method"]) + ("@osr" if v.get("isOsr") else ""), v.get("inlinedBytes", 0)))
    for name, _, _ in periods:
        s = stats.get(name, {})
        c1, c2 = s.get("c1", [0, 0.0]), s.get("c2", [0, 0.0])
        parts = " ".join(f"{k.split(':')[1]}={n}/{t:.2f}s" for k, (n, t) in
                         sorted(s.items(), key=lambda kv: -kv[1][1]) if k.startswith("c2:"))
        print(f"{name}: c1={c1[0]}/{c1[1]:.2f}s c2={c2[0]}/{c2[1]:.2f}s c2_traps={traps[name]} c2 by code: {parts}")
    longest.sort(reverse=True)
    total = sum(x[0] for x in longest)
    if longest:
        print(f"longest C2 compilations of the rounds ({len(longest)} in all, {total:.2f} s; "
              f"the top {min(top_n, len(longest))} {sum(x[0] for x in longest[:top_n]) / total:.0%} of it):")
    for d, p, name, inlined in longest[:top_n]:
        print(f"  {d * 1000:7.0f} ms  {p:8s} {name} (inlined {inlined} bytes of bytecode)")


if __name__ == "__main__":
    main()
