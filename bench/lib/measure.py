#!/usr/bin/env python3
"""Runs one load against one server and measures it.

    measure.py --pid PID [--pid PID2 ...] --maildir DIR [--maildir DIR2 ...] --count N [--timeout S] [--sink-pid PID2]
               -- LOAD-COMMAND...

Starts the clock just before LOAD-COMMAND (e.g. smtp-source) starts, and stops it when DIR/new + DIR/cur
(summed over every --maildir: one per recipient of a multi-recipient load) hold N more files than when
we started: delivered messages per second from first connect until every
message is in the Maildir (client_secs: when the load generator had finished, i.e. every message was
accepted). Meanwhile it samples the memory of the server's process tree (the process PID and all its
descendants; with several --pid, all of those trees: several servers sharing one load) every 100 ms, or
less often where a look takes more than 5 ms (at most ~5 % of a CPU: MEM_SHARE),
and reads the tree's CPU time (user + system, including reaped children, from /proc/<pid>/stat) before
and after. With --sink-pid (the receiving MX of a relay load),
that process tree's CPU seconds are measured too, as sink_cpu. Prints one line of key=value pairs.

The CPU is read after the servers have settled: work a server defers past the delivery (Postamt's
full-text indexer syncs a user after a pause in deliveries) belongs to the messages of this round, so
after the last message arrived the trees' CPU is sampled every 0.25 s until one interval adds less than
SETTLE_IDLE (5 %) of one core, but not before --settle-min seconds (2: the indexer waits for a 1 s pause
in a user's deliveries before it syncs, search.IndexPacing, so the first quiet interval came before its
work and left it out of the round), or --settle-max seconds (15) have passed; settle_secs says how long that
took. The time and the rate are those of the delivery, not of the settling. --settle-max 0 turns it off.

What the machine spent while the messages were delivered (from the load's start until the last one was in
its Maildir): machine_busy, the CPU seconds of all CPUs that were neither idle nor waiting for I/O
(/proc/stat), and of it server_cpu_window (the servers' trees in the same window: the CPU above also
counts the settling), server_sys (the servers' system time of that window) and client_cpu (the load
command's own); outside_cpu is machine_busy less the servers' window: the load generator, the sink of a relay
load, this script (harness_cpu: its own CPU in the window, counting the deliveries and sampling the memory),
and the kernel's work that no process is charged with (the loop devices' and the journal's threads,
softirqs). On a machine whose CPUs are all busy this is what bounds the rate: a server can only be
faster by what it spends itself (bench/smtp-vs-postfix prints what that leaves for a given ratio).
"""
import argparse
import os
import resource
import struct
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
SETTLE_STEP = 0.25  # seconds between CPU readings while waiting for the servers to settle
SETTLE_IDLE = 0.05  # a server has settled when an interval adds less than this share of one core
MEM_STEP = 0.1  # seconds between looks at the servers' memory during the load, at least
MEM_SHARE = 20  # ... and at least this many times what the last look took


def tree(root):
    """The pid root and all its descendants (one pass over /proc)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(b")") + 2:].split()
        children.setdefault(int(rest[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    """utime + stime + cutime + cstime over pids: children that exited and were reaped by a process in
    the tree (Postfix's master reaps its daemons) are still counted, through the parent's cutime/cstime."""
    return sum(cpu_split(pids))


def cpu_split(pids):
    """(user, system) seconds over pids, reaped children included (cpu_seconds is their sum)."""
    user = system = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(b")") + 2:].split()  # fields 14..17: utime stime cutime cstime
        user += int(rest[11]) + int(rest[13])
        system += int(rest[12]) + int(rest[14])
    return user / CLK, system / CLK


def machine_busy():
    """CPU seconds of all CPUs so far that were neither idle nor waiting for I/O (/proc/stat's cpu line)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = v
    return (user + nice + system + irq + softirq + steal) / CLK


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def memory_kib(pids):
    """(sum of VmRSS, sum of PSS) over pids, in KiB. PSS shares pages fairly between processes, so a
    multi-process server (Postfix) is not charged many times for the same shared libraries."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                        break
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
        except OSError:
            continue
    return rss, pss


class Arrivals:
    """Counts what count() counts, from the kernel's notices of names arriving in new/ and cur/ (inotify)
    instead of listing both directories at every look: a listing of a Maildir of 100,000 messages took
    ~170 ms of CPU, so at one look every 20 ms this script took most of a CPU of the machine it measured
    (until 2026-12-07). A delivery is a name created (Postfix links it) or moved (a rename) into
    new/ or cur/; names are counted once by their base, as in count(). A directory that cannot be
    watched yet (the Maildir is made at the first delivery) is listed at each look until it can be; when
    the kernel's queue of notices overflowed, every directory is listed again once."""

    IN_CREATE, IN_MOVED_TO, IN_Q_OVERFLOW = 0x100, 0x80, 0x4000

    def __init__(self, maildirs):
        import ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.dirs = [os.path.join(m, sub) for m in maildirs for sub in ("new", "cur")]
        self.watched = {}  # watch descriptor -> index in self.dirs
        # per Maildir, the bases seen in new/ or cur/ (dirs[i] belongs to seen[i // 2]): a message that
        # moves from new/ to cur/ counts once
        self.seen = [set() for _ in maildirs]

    def _list(self, i):
        add_bases(self.dirs[i], self.seen[i // 2])

    def total(self):
        unwatched = [i for i in range(len(self.dirs)) if i not in self.watched.values()]
        for i in unwatched:
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(self.dirs[i]), self.IN_CREATE | self.IN_MOVED_TO)
            if wd >= 0:
                self.watched[wd] = i
            self._list(i)  # after the watch: a name arriving in between is seen either way
        overflow = False
        while True:
            try:
                buf = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            off = 0
            while off + 16 <= len(buf):
                wd, mask, _cookie, length = struct.unpack_from("iIII", buf, off)
                name = buf[off + 16:off + 16 + length].split(b"\0", 1)[0].decode(errors="replace")
                off += 16 + length
                if mask & self.IN_Q_OVERFLOW:
                    overflow = True
                elif wd in self.watched and name and not name.startswith("."):
                    self.seen[self.watched[wd] // 2].add(base_of(name))
        if overflow:
            for i in range(len(self.dirs)):
                self._list(i)
        return sum(len(s) for s in self.seen)


def base_of(name):
    """A Maildir file's base: its name before the info (":2,..."), the same in new/ and in cur/."""
    return name.split(":", 1)[0]


def add_bases(directory, seen):
    """Adds the bases of the files in directory (none when it does not exist yet) to the set seen."""
    try:
        with os.scandir(directory) as it:
            for e in it:
                if not e.name.startswith("."):
                    seen.add(base_of(e.name))
    except FileNotFoundError:
        pass


def count(maildir):
    # Distinct messages by the base of the file name (before ":2,"): a file that moves from new/ to cur/
    # while the two are listed one after the other would otherwise be counted twice (Postamt takes new
    # mail into cur/ right after delivery), and the clock stopped a few messages early.
    seen = set()
    for sub in ("new", "cur"):
        add_bases(os.path.join(maildir, sub), seen)
    return len(seen)


def memory_pause(look_secs):
    """Seconds until the next look at the servers' memory, after one that took look_secs: every MEM_STEP,
    or MEM_SHARE times the look where that is longer (Postfix's and Dovecot's many processes), so that the
    looks take at most ~5 % of a CPU from the machine the servers share."""
    return max(MEM_STEP, MEM_SHARE * look_secs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, action="append", required=True)
    ap.add_argument("--maildir", action="append", required=True)
    ap.add_argument("--sink-pid", type=int)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--settle-max", type=float, default=15.0)
    ap.add_argument("--settle-min", type=float, default=2.0)
    ap.add_argument("load", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    load = a.load[1:] if a.load and a.load[0] == "--" else a.load

    try:
        arrivals = Arrivals(a.maildir)
    except OSError:
        arrivals = None  # no inotify: every look lists the directories

    def count_all():
        return arrivals.total() if arrivals else sum(count(d) for d in a.maildir)

    def trees():
        return [p for root in a.pid for p in tree(root)]

    base = count_all()
    target = base + a.count
    pids = trees()
    user0, sys0 = cpu_split(pids)
    cpu0 = user0 + sys0
    sink0 = cpu_seconds(tree(a.sink_pid)) if a.sink_pid else 0.0
    busy0, child0 = machine_busy(), children_cpu()
    peak_rss = peak_pss = 0
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    client = subprocess.Popen(load, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = t0 + a.timeout
    last_mem = 0.0
    mem_every = MEM_STEP
    n = base
    client_rc = None
    t_client = None
    while True:
        now = time.monotonic()
        if now - last_mem >= mem_every:
            pids = trees()
            rss, pss = memory_kib(pids)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            last_mem = now
            mem_every = memory_pause(time.monotonic() - now)  # Postfix's tree: ~17 ms a look
        n = count_all()
        if n >= target:
            break
        if client_rc is None:
            client_rc = client.poll()
            if client_rc is not None:
                t_client = time.monotonic() - t0
        if now > deadline:
            break
        time.sleep(0.02)
    t1 = time.monotonic()
    busy1 = machine_busy()
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    harness = self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime
    window_pids = trees()
    user1, sys1 = cpu_split(window_pids)
    cpu_window = user1 + sys1 - cpu0
    sys_window = sys1 - sys0
    if client_rc is None:
        try:
            client_rc = client.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            client.kill()
            client_rc = client.wait()
        t_client = time.monotonic() - t0
    err = client.stderr.read().decode(errors="replace").strip().replace("\n", " | ")
    pids = trees()
    rss, pss = memory_kib(pids)
    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
    t_settle = time.monotonic()
    cpu1 = cpu_seconds(pids)
    while time.monotonic() - t_settle < a.settle_max:
        time.sleep(SETTLE_STEP)
        pids = trees()
        c = cpu_seconds(pids)
        rss, pss = memory_kib(pids)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        busy, cpu1 = c - cpu1, c
        if busy < SETTLE_IDLE * SETTLE_STEP and time.monotonic() - t_settle >= a.settle_min:
            break
    settle = time.monotonic() - t_settle
    sink = f" sink_cpu={cpu_seconds(tree(a.sink_pid)) - sink0:.2f}" if a.sink_pid else ""
    busy = busy1 - busy0
    outside = busy - cpu_window
    window = (
        f" machine_busy={busy:.2f} server_cpu_window={cpu_window:.2f} server_sys={sys_window:.2f}"
        f" client_cpu={children_cpu() - child0:.2f} outside_cpu={outside:.2f} harness_cpu={harness:.2f}"
        f" ncpu={os.cpu_count()}"
    )
    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
    delivered = n - base
    secs = t1 - t0
    print(
        f"delivered={delivered} expected={a.count} complete={int(delivered >= a.count)} secs={secs:.3f} "
        f"rate={delivered / secs:.1f} client_secs={t_client:.3f} cpu={cpu1 - cpu0:.2f} rss_mb={peak_rss / 1024:.0f} "
        f"pss_mb={peak_pss / 1024:.0f} client_rc={client_rc} settle_secs={settle:.2f}{sink}{window}"
    )
    if err:
        print(f"client stderr: {err[:500]}", file=sys.stderr)


if __name__ == "__main__":
    main()
