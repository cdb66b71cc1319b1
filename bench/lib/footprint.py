#!/usr/bin/env python3
"""Starts one `postamt serve` and measures its start-up and its idle memory.

    footprint.py --smtp PORT [--settle S] [--nmt] [--smaps] [--jcmd JCMD] [--timeout S] -- COMMAND...

The clock starts just before COMMAND (e.g. ./postamt serve --config FILE) is started and stops when
the SMTP port answers with its 220 banner: time_to_banner_ms is what an operator waits after typing the
command, the launcher script included; cpu_to_banner_ms is the CPU time (user + system, all threads) the
JVM had used by then, a figure that a busy shared machine disturbs much less than the wall-clock one. Then the server is left alone for S seconds (--settle, default 15:
the JIT compiler threads and the start-up garbage have come and gone by then), and its memory is read
five times, 200 ms apart (the largest of each is kept): Pss and Rss from /proc/PID/smaps_rollup, the
thread count from /proc/PID/status. With --nmt (the JVM started with -XX:NativeMemoryTracking=summary)
`jcmd PID VM.native_memory summary` is printed to stderr and the committed MB of each area summarised;
with --smaps the PSS by kind of mapping (bench/lib/smapsum.py) is printed to stderr.

Prints one line of key=value pairs; the server is stopped with SIGTERM before it returns.
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402


def banner(port, deadline):
    """Waits for the first line the SMTP port sends; returns it (or None at the deadline)."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as s:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                data = b""
                while b"\n" not in data:
                    chunk = s.recv(512)
                    if not chunk:
                        break
                    data += chunk
                try:
                    s.sendall(b"QUIT\r\n")
                except OSError:
                    pass
                if data.startswith(b"220"):
                    return data.split(b"\r\n")[0].decode(errors="replace")
        except OSError:
            pass
        time.sleep(0.01)
    return None


def java_pid(root):
    """The JVM of the process tree (the launcher execs java, but a wrapper might fork it)."""
    for p in measure.tree(root):
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() == "java":
                    return p
        except OSError:
            continue
    return root


def threads(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def jit_seconds(pid):
    """CPU seconds (user + system) of the JIT compiler threads of pid ("C1 CompilerThre", "C2
    CompilerThre"): they run on the other core beside start-up and their share moves with the AOT cache's
    profiles, so the start-up work itself is cpu_to_banner_ms minus this."""
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for t in tids:
        try:
            with open(f"/proc/{pid}/task/{t}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index(b"(") + 1:s.rindex(b")")]
        if b"CompilerThre" in name:
            rest = s[s.rindex(b")") + 2:].split()
            total += int(rest[11]) + int(rest[12])
    return total / measure.CLK


def nmt(jcmd, pid):
    """The committed KiB of each NMT area, from `jcmd PID VM.native_memory summary`."""
    out = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary"], capture_output=True, text=True,
                         timeout=60).stdout
    print(out, file=sys.stderr)
    areas = {}
    for m in re.finditer(r"^-\s+([A-Za-z ]+?) \(reserved=\d+KB, committed=(\d+)KB", out, re.M):
        areas[m.group(1).strip().lower().replace(" ", "_")] = int(m.group(2))
    total = re.search(r"^Total: reserved=\d+KB, committed=(\d+)KB", out, re.M)
    if total:
        areas["total"] = int(total.group(1))
    return areas


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smtp", type=int, required=True)
    ap.add_argument("--settle", type=float, default=15)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--nmt", action="store_true")
    ap.add_argument("--jcmd", default="jcmd")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--smaps", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    with open(a.log, "ab") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            line = banner(a.smtp, t0 + a.timeout)
            t_banner = time.monotonic() - t0
            if line is None or proc.poll() is not None:
                print(f"footprint: no SMTP banner on 127.0.0.1:{a.smtp} within {a.timeout:.0f} s (see {a.log})",
                      file=sys.stderr)
                sys.exit(1)
            pid = java_pid(proc.pid)
            cpu = measure.cpu_seconds(measure.tree(proc.pid))
            jit = jit_seconds(pid)
            time.sleep(a.settle)
            rss = pss = 0
            for _ in range(5):
                r, p = measure.memory_kib([pid])
                rss, pss = max(rss, r), max(pss, p)
                time.sleep(0.2)
            out = (f"time_to_banner_ms={t_banner * 1000:.0f} pss_mb={pss / 1024:.1f} rss_mb={rss / 1024:.1f} "
                   f"threads={threads(pid)} cpu_to_banner_ms={cpu * 1000:.0f} jit_cpu_to_banner_ms={jit * 1000:.0f}")
            if a.nmt:
                for k, v in nmt(a.jcmd, pid).items():
                    out += f" nmt_{k}_mb={v / 1024:.1f}"
            print(out)
            sys.stdout.flush()
            if a.smaps:  # PSS by kind of mapping (AOT cache, heap and other anonymous memory, malloc, libjvm)
                subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "smapsum.py"), str(pid)], stdout=sys.stderr, timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


if __name__ == "__main__":
    main()
