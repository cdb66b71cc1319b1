#!/usr/bin/env python3
"""PSS of one process by kind of mapping (anonymous, malloc [heap], the AOT/CDS archive, Lucene index
files, SQLite files, libjvm, other libraries; the Java heap apart from other anonymous memory when its
address range is given, as GC.heap_info prints it): bench/footprint-load prints it.

    smapsum.py PID [HEAP-RANGE]   (HEAP-RANGE e.g. 0x00000000f0000000-0x0000000100000000)
"""
import collections
import re
import sys


def heap_range(text):
    """(low, high) from "LOW-HIGH" or GC.heap_info's "[LOW, HIGH)", or None."""
    m = re.search(r"(0x[0-9a-f]+)\s*[-,]\s*(0x[0-9a-f]+)", text or "")
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def by_kind(pid, heap=None):
    """PSS in KiB by kind of mapping; anonymous memory inside heap (low, high) is "java-heap"."""
    acc = collections.Counter()
    cur = None
    with open(f"/proc/{pid}/smaps") as f:
        lines = f.readlines()
    for line in lines:
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split(None, 5)
            name = parts[5].strip() if len(parts) > 5 else ""
            if not name:
                start = int(parts[0].split("-")[0], 16)
                cur = "java-heap" if heap and heap[0] <= start < heap[1] else "anon"
            elif name.startswith("["): cur = name
            elif name.endswith(".aot") or name.endswith(".jsa"): cur = "aot/cds"
            elif "/index/" in name or "search" in name or re.search(r"\.(cfs|doc|tim|tip|pos|dvd|dvm|fdt|fdx|nvd|si|kdd|kdi|tmd|psm|fdm|pay|vec|nvm|kdm|liv|cfe)$", name): cur = "lucene"
            elif name.endswith(".so") or ".so." in name: cur = "so:" + name.rsplit("/",1)[-1] if "libjvm" in name else "so"
            elif name.endswith(".db") or name.endswith("-shm") or name.endswith("-wal"): cur = "sqlite-file"
            elif name.endswith(".jar") or "modules" in name: cur = "jar/modules"
            else: cur = "file:" + name.rsplit("/",1)[-1][:30]
        elif line.startswith("Pss:"):
            acc[cur] += int(line.split()[1])
    return acc


if __name__ == "__main__":
    acc = by_kind(sys.argv[1], heap_range(sys.argv[2]) if len(sys.argv) > 2 else None)
    tot = sum(acc.values())
    print(f"PSS total {tot/1024:.1f} MB: " + ", ".join(f"{k} {v/1024:.1f}" for k, v in acc.most_common(12)))
