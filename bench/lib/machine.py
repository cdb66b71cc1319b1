#!/usr/bin/env python3
"""What the kernel charges for the work a multi-process server does more of than a single JVM: one line
for a benchmark's header, taken before its loads while the machine is quiet.

    machine: spawn_ms=X syscall_us=Y fault_us=Z kernel=K meltdown=M

spawn_ms  the median of 100 posix_spawn + waitpid of /bin/true (Postfix and Dovecot start a process for
          many deliveries and logins; a JVM starts none);
syscall_us  one getppid(2) from Python, loop overhead included (the median of 5 runs of 100,000);
fault_us  one first touch of a page of anonymous memory (64 MiB, the median of 3 runs);
kernel, meltdown  the kernel's release and what /sys says of its Meltdown mitigation (PTI makes every
          system call and page fault dearer).

The same server's ratio to Postfix or Dovecot moves with these figures from one machine to the next
(bench/README.md, 2026-12-07 07:13): compare dated rows by them, not by the CPU's name alone.
"""
import mmap
import os
import statistics
import time


def spawn_ms(n=100):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        pid = os.posix_spawn("/bin/true", ["true"], {})
        os.waitpid(pid, 0)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def syscall_us(n=100_000):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            os.getppid()
        runs.append((time.perf_counter() - t) / n)
    return 1e6 * statistics.median(runs)


def fault_us(size=64 << 20):
    page = mmap.PAGESIZE
    runs = []
    for _ in range(3):
        m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        t = time.perf_counter()
        for off in range(0, size, page):
            m[off] = 1
        runs.append((time.perf_counter() - t) / (size // page))
        m.close()
    return 1e6 * statistics.median(runs)


def meltdown():
    try:
        with open("/sys/devices/system/cpu/vulnerabilities/meltdown") as f:
            return f.read().strip().replace(" ", "_")
    except OSError:
        return "unknown"


if __name__ == "__main__":
    print(f"machine: spawn_ms={spawn_ms():.2f} syscall_us={syscall_us():.2f} fault_us={fault_us():.2f} "
          f"kernel={os.uname().release} meltdown={meltdown()}")
