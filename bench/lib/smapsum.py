#!/usr/bin/env python3
"""PSS of one process by kind of mapping (anonymous, malloc [heap], the AOT/CDS archive, Lucene index
files, SQLite files, libjvm, other libraries): bench/footprint-load prints it. Usage: smapsum.py PID"""
import collections
import re
import sys

pid = sys.argv[1]
acc = collections.Counter()
cur = None
for line in open(f"/proc/{pid}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split(None, 5)
        name = parts[5].strip() if len(parts) > 5 else ""
        if not name: cur = "anon"
        elif name.startswith("["): cur = name
        elif name.endswith(".aot") or name.endswith(".jsa"): cur = "aot/cds"
        elif "/index/" in name or "search" in name or re.search(r"\.(cfs|doc|tim|tip|pos|dvd|dvm|fdt|fdx|nvd|si|kdd|kdi|tmd|psm|fdm|pay|vec|nvm|kdm|liv|cfe)$", name): cur = "lucene"
        elif name.endswith(".so") or ".so." in name: cur = "so:" + name.rsplit("/",1)[-1] if "libjvm" in name else "so"
        elif name.endswith(".db") or name.endswith("-shm") or name.endswith("-wal"): cur = "sqlite-file"
        elif name.endswith(".jar") or "modules" in name: cur = "jar/modules"
        else: cur = "file:" + name.rsplit("/",1)[-1][:30]
    elif line.startswith("Pss:"):
        acc[cur] += int(line.split()[1])
tot = sum(acc.values())
print(f"PSS total {tot/1024:.1f} MB: " + ", ".join(f"{k} {v/1024:.1f}" for k, v in acc.most_common(12)))
