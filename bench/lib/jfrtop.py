#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output: samples per thread (virtual threads as
one), and per thread group the first method of ours (dev.postamt.*) on each stack, i.e. which of our
methods the time is spent under. Stacks deeper than JFR's limit (64 frames) lose their bottom, so a
sample with no frame of ours counts under its top frame, marked "(no dev.postamt frame)".

    jfrtop.py SAMPLES.txt [TOP]
"""
import collections
import re
import sys


def samples(path):
    thread, stack = None, None
    for line in open(path, errors="replace"):
        s = line.strip()
        if s.startswith("jdk.ExecutionSample"):
            if stack is not None:
                yield thread, stack
            thread, stack = "?", []
        elif s.startswith("sampledThread"):
            m = re.match(r'sampledThread = "([^"]*)"', s)
            thread = m.group(1) if m else "?"
            thread = re.sub(r"[-#]?\d+$", "", thread)  # pool members as one
        elif stack is not None:
            m = re.match(r"^([\w$.<>/]+)\(", s)
            if m:
                stack.append(m.group(1))
    if stack is not None:
        yield thread, stack


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    by_thread = collections.defaultdict(collections.Counter)
    total = 0
    for thread, stack in samples(sys.argv[1]):
        total += 1
        ours = next((f for f in stack if f.startswith("dev.postamt.")), None)
        key = ours.replace("dev.postamt.", "") if ours else "(no dev.postamt frame) " + (stack[0] if stack else "?")
        by_thread[thread][key] += 1
    print(f"JFR execution samples: {total}")
    for thread, c in sorted(by_thread.items(), key=lambda kv: -sum(kv[1].values())):
        n = sum(c.values())
        print(f"{100 * n / total:5.1f}%  thread {thread}")
        for k, v in c.most_common(top):
            print(f"        {100 * v / total:5.1f}%  {k}")


if __name__ == "__main__":
    main()
