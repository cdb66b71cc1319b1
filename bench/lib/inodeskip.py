"""What allocating files costs on a file system right after another program deleted many there.

    python3 bench/lib/inodeskip.py DIR [N]

Creates N (20,000) 4 KiB files in DIR/a, then N in DIR/junk which it deletes, then N in DIR/b, and prints
the system CPU and wall time per file created before and after the deletes; removes what it made. On
ext4 without a journal the kernel skips, at allocation, inodes freed in the last seconds, one by one
(ext4's find_inode_bit / recently_deleted); that is why bench/smtp-vs-postfix puts each server on a file
system of its own (FS=loop, bench/README.md 2026-12-06).
"""
import os, sys, time, resource, shutil
base = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
def make(d, n, fsync):
    os.makedirs(d, exist_ok=True)
    data = b"x" * 4096
    r0 = resource.getrusage(resource.RUSAGE_SELF); t = time.perf_counter()
    for i in range(n):
        fd = os.open(os.path.join(d, "f%d" % i), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, data)
        if fsync: os.fsync(fd)
        os.close(fd)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return (r1.ru_stime - r0.ru_stime) * 1e6 / n, (time.perf_counter() - t) * 1e6 / n
# baseline: nothing deleted recently
print("fresh:          sys %.0f us/file, wall %.0f us/file" % make(base + "/a", n, False))
# another "server" deletes n files, then we create n
make(base + "/junk", n, False); shutil.rmtree(base + "/junk")
print("after deletes:  sys %.0f us/file, wall %.0f us/file" % make(base + "/b", n, False))
shutil.rmtree(base + "/a"); shutil.rmtree(base + "/b")
