#!/usr/bin/env python3
"""PSS of one process by kind of mapping at its peak: samples /proc/PID/smaps (bench/lib/smapsum.py's
kinds) every INTERVAL seconds until the process ends or a file STOP appears, and then prints the sample
with the largest total, the total's range and the number of samples. bench/footprint-load runs it over
each load phase, so the breakdown is the one at the peak, not the one left after the load.

    smappeak.py PID STOP [INTERVAL [HEAP-RANGE]]   (HEAP-RANGE as smapsum.py takes it)
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smapsum import by_kind, heap_range  # noqa: E402

pid, stop = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
heap = heap_range(sys.argv[4]) if len(sys.argv) > 4 else None
best, low, n = None, None, 0
while not os.path.exists(stop):
    try:
        acc = by_kind(pid, heap)
    except OSError:
        break
    tot = sum(acc.values())
    n += 1
    if best is None or tot > sum(best.values()):
        best = acc
    low = tot if low is None else min(low, tot)
    time.sleep(interval)
if best is None:
    sys.exit(0)
tot = sum(best.values())
print(f"peak PSS {tot/1024:.1f} MB (lowest sample {low/1024:.1f}, {n} samples): "
      + ", ".join(f"{k} {v/1024:.1f}" for k, v in best.most_common(12)))
