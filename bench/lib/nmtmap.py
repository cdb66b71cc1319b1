#!/usr/bin/env python3
"""PSS of a JVM by NMT category: each mapping of /proc/PID/smaps is put under the category of the NMT
region (VM.native_memory detail) it lies in: Java Heap, Code, GC, Metaspace, Thread Stack, Shared class
space (the AOT cache), ...; anonymous memory in no NMT region is malloc's (glibc arenas other than
[heap]: the JIT compilers' arenas, SQLite, zlib). NMT says what is committed; this says what is resident.
Needs a JVM started with -XX:NativeMemoryTracking=detail (bench/footprint-load passes it through).

    nmtmap.py PID
"""
import collections
import os
import re
import subprocess
import sys

pid = sys.argv[1]
jcmd = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jcmd")
out = subprocess.run([jcmd, pid, "VM.native_memory", "detail"], capture_output=True, text=True).stdout
regions = []
for m in re.finditer(r"^\[(0x[0-9a-f]+) - (0x[0-9a-f]+)\] reserved (?:and committed )?\d+KB for ([^\n]+?) from", out, re.M):
    regions.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
regions.sort()


def cat(addr):
    for lo, hi, c in regions:
        if lo <= addr < hi:
            return c
    return None


acc = collections.Counter()
cur = None
for line in open(f"/proc/{pid}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split(None, 5)
        name = parts[5].strip() if len(parts) > 5 else ""
        lo = int(parts[0].split("-")[0], 16)
        c = cat(lo)
        if c: cur = "nmt:" + c
        elif not name: cur = "anon (malloc arena?)"
        elif name.startswith("["): cur = name
        else: cur = "file"
    elif line.startswith("Pss:"):
        acc[cur] += int(line.split()[1])
tot = sum(acc.values())
print(f"PSS {tot/1024:.1f} MB: " + ", ".join(f"{k} {v/1024:.1f}" for k, v in acc.most_common(20)))
