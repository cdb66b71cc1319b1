#!/usr/bin/env python3
"""Spam filtering, Postamt against SpamAssassin, on one split of a corpus, in one run.

Used by bench/spam-vs-spamassassin (which documents the set-up); run alone:

  spamcompare.py --corpus DIR --work DIR --postamt PATH [--seed 42] [--train 0.7] [--clients N]

DIR/ham/* and DIR/spam/* are message files. Each is put into train or test with a fixed seed; both
filters learn the training part (sa-learn; postamt spam learn) and classify the test part
(spamc against a spamd with network tests off; postamt spam scan). Prints the confusion figures per
filter and, as the last line:

  spam_f1=X sa_f1=Y fp=X sa_fp=Y speed_ratio=Z
"""
import argparse
import concurrent.futures
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time


def log(*a):
    print("spam-vs-spamassassin:", *a, file=sys.stderr, flush=True)


def split(corpus, work, seed, train_share):
    rng = random.Random(seed)
    out = {}
    for kind in ("ham", "spam"):
        files = sorted(f for f in os.listdir(os.path.join(corpus, kind)) if not f.startswith("."))
        rng.shuffle(files)
        cut = int(len(files) * train_share)
        for part, chosen in (("train", files[:cut]), ("test", files[cut:])):
            d = os.path.join(work, "split", part, kind)
            os.makedirs(d, exist_ok=True)
            for f in chosen:
                shutil.copyfile(os.path.join(corpus, kind, f), os.path.join(d, f))
            out[(part, kind)] = [os.path.join(d, f) for f in sorted(chosen)]
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def figures(name, verdicts, truth):
    tp = sum(1 for f, spam in verdicts.items() if spam and truth[f])
    fp = sum(1 for f, spam in verdicts.items() if spam and not truth[f])
    fn = sum(1 for f, spam in verdicts.items() if not spam and truth[f])
    ham = sum(1 for f in verdicts if not truth[f])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fprate = fp / ham if ham else 0.0
    print(f"{name:<12} precision={precision:.4f} recall={recall:.4f} f1={f1:.4f} "
          f"false_positives={fp}/{ham} ({fprate * 100:.2f}%) missed_spam={fn}", flush=True)
    return f1, fprate


def spamassassin(work, files, clients):
    site = os.path.join(work, "sa-site")
    bayes = os.path.join(work, "sa-bayes")
    os.makedirs(site, exist_ok=True)
    os.makedirs(bayes, exist_ok=True)
    os.chmod(bayes, 0o777)
    for f in os.listdir("/etc/spamassassin"):
        if f.endswith(".pre"):
            shutil.copyfile(os.path.join("/etc/spamassassin", f), os.path.join(site, f))
    with open(os.path.join(site, "local.cf"), "w") as out:
        out.write(f"""# network tests off, Bayes on, no autolearn: as a careful operator runs SpamAssassin offline
use_bayes 1
bayes_auto_learn 0
bayes_path {bayes}/bayes
bayes_file_mode 0777
skip_rbl_checks 1
use_razor2 0
use_pyzor 0
dns_available no
lock_method flock
""")
    for kind in ("spam", "ham"):
        t = time.time()
        subprocess.run(["sa-learn", "--siteconfigpath", site, f"--{kind}", os.path.join(work, "split", "train", kind)],
                       check=True, stdout=subprocess.DEVNULL)
        log(f"sa-learn --{kind}: {time.time() - t:.1f} s")
    for f in os.listdir(bayes):
        os.chmod(os.path.join(bayes, f), 0o666)
    port = free_port()
    pidfile = os.path.join(work, "spamd.pid")
    subprocess.run(["spamd", "-L", "-x", "--siteconfigpath", site, "-i", "127.0.0.1", "-A", "127.0.0.1",
                    "-p", str(port), "-m", str(max(clients, 2)), "--min-spare", str(max(clients, 2)), "-u", "nobody",
                    "-r", pidfile, "-s", os.path.join(work, "spamd.log"), "-d"], check=True)
    try:
        if not wait_port(port, 120):
            raise SystemExit("spamd did not start (see spamd.log)")

        def classify(path):
            with open(path, "rb") as msg:
                r = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-c", "-x"], stdin=msg,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if r.returncode not in (0, 1):
                raise SystemExit(f"spamc failed on {path}: exit {r.returncode}")
            return path, r.returncode == 1

        # a short warm-up so that every spamd child has loaded its rules
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            list(pool.map(classify, files[:clients * 4]))
        t = time.time()
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            verdicts = dict(pool.map(classify, files))
        elapsed = time.time() - t
    finally:
        try:
            with open(pidfile) as p:
                os.kill(int(p.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
    return verdicts, len(files) / elapsed


def postamt(postamt_cmd, work, files, clients, truth):
    data = os.path.join(work, "postamt")
    os.makedirs(data, exist_ok=True)
    conf = os.path.join(data, "postamt.toml")
    zone = os.path.join(data, "zone.txt")
    with open(zone, "w") as z:
        z.write("$ORIGIN example.test.\n@ 3600 IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 60\n")
    with open(conf, "w") as c:
        c.write(f"""hostname = "mx.example.test"
data_dir = "{data}/data"
[dns]
zone_file = "{zone}"
[spam]
autolearn = false
""")
    base = postamt_cmd
    for kind in ("spam", "ham"):
        t = time.time()
        subprocess.run(base + ["spam", "learn", f"--{kind}", os.path.join(work, "split", "train", kind), "--config", conf],
                       check=True, stdout=subprocess.DEVNULL)
        log(f"postamt spam learn --{kind}: {time.time() - t:.1f} s")
    listing = os.path.join(work, "postamt-test-files.txt")
    with open(listing, "w") as out:
        out.write("\n".join(files) + "\n")
    r = subprocess.run(base + ["spam", "scan", "--threads", str(clients), "--files-from", listing, "--config", conf],
                       check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    verdicts = {}
    for line in r.stdout.splitlines():
        # SCORE ACTION PATH
        parts = line.split(" ", 2)
        if len(parts) == 3:
            origin = parts[2]
            if origin not in truth and "#" in origin:
                origin = origin.rsplit("#", 1)[0]  # a file that starts with "From " is read as a one-message mbox
            verdicts[origin] = parts[1] != "no_action"
    rate = None
    for line in r.stderr.splitlines():
        if "msgs/s" in line:
            rate = float(line.split("(")[1].split(" ")[0])
    if rate is None or len(verdicts) != len(files):
        raise SystemExit(f"postamt spam scan printed {len(verdicts)} verdicts for {len(files)} files: {r.stderr}")
    return verdicts, rate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--postamt", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train", type=float, default=0.7)
    ap.add_argument("--clients", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    parts = split(a.corpus, a.work, a.seed, a.train)
    test = parts[("test", "ham")] + parts[("test", "spam")]
    truth = {f: f in set(parts[("test", "spam")]) for f in test}
    log(f"split with seed {a.seed}: train {len(parts[('train', 'ham')])} ham + {len(parts[('train', 'spam')])} spam, "
        f"test {len(parts[('test', 'ham')])} ham + {len(parts[('test', 'spam')])} spam; {a.clients} parallel clients")
    ours, our_rate = postamt([a.postamt], a.work, test, a.clients, truth)
    theirs, sa_rate = spamassassin(a.work, test, a.clients)
    print(f"{'test set':<12} {len(parts[('test', 'ham')])} ham, {len(parts[('test', 'spam')])} spam (seed {a.seed}, "
          f"{int(a.train * 100)}% trained)")
    f1, fp = figures("postamt", ours, truth)
    sa_f1, sa_fp = figures("spamassassin", theirs, truth)
    print(f"{'speed':<12} postamt {our_rate:.1f} msgs/s, spamassassin {sa_rate:.1f} msgs/s ({a.clients} clients)")
    print(f"spam_f1={f1:.4f} sa_f1={sa_f1:.4f} fp={fp * 100:.2f}% sa_fp={sa_fp * 100:.2f}% "
          f"speed_ratio={our_rate / sa_rate:.1f}")


if __name__ == "__main__":
    main()
