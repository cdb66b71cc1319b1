#!/usr/bin/env python3
"""Where the SMTP sessions' wall time goes: classifies every "smtp-conn" virtual thread in a series of
thread dumps (`jcmd PID Thread.dump_to_file -format=text FILE`, taken every 0.25 s while smtp-source
runs) by what it is doing or waiting for, and prints the share of each. A sampling wall-clock profile:
unlike a CPU profile it shows lock waits, fsyncs and the client's turn.

    smtpwait.py DIR        # reads DIR/dump.*.txt

Used for issue 27 (bench/README.md, "Where the wall time of a 4 KiB message goes").
"""
import collections
import glob
import sys


def classify(frames):
    fr = [x.split('(')[0] for x in frames]
    ours = [x for x in fr if x.startswith('dev.postamt')]
    s = ' '.join(fr)
    if 'LineReader.readLine' in s and 'SmtpSession.run' in s and 'SmtpSession.command' not in s:
        return "client's turn: reading the next command"
    if 'DataReader' in s and 'Socket' in s:
        return 'reading DATA from the socket'
    if 'MaildirAccount.poll' in s:
        if 'ReentrantLock.lock' in s:
            return "index intake before the reply: waiting for the account's write lock"
        if 'fsyncDir' in s:
            return 'index intake before the reply: fsync of cur/'
        return 'index intake before the reply: transaction and moves'
    if 'MaildirMailStore.shared' in s or 'MaildirMailStore.open' in s:
        return "store's account table (monitor): " + ours[0]
    if 'DirectorySync' in s:
        return 'Maildir: fsync of new/ (DirectorySync, shared)'
    if 'Maildir.deliver' in s and 'force' in s:
        return 'Maildir: fsync of the file'
    if 'Maildir.deliver' in s:
        return 'Maildir: write, rename'
    if 'OutputStreamAppender' in s:
        return 'log line: waiting for the appender'
    if 'SpamCheck' in s:
        return 'spam scan'
    if 'SieveDelivery' in s:
        return 'Sieve'
    if not fr:
        return '(no frames: starting or ending)'
    return (ours[0] if ours else fr[0]) + ' <- ' + (ours[1] if len(ours) > 1 else '')


def main():
    counts = collections.Counter()
    total = dumps = 0
    for f in sorted(glob.glob(sys.argv[1] + '/dump.*.txt')):
        dumps += 1
        for block in open(f).read().split('\n\n'):
            lines = block.strip().split('\n')
            if not lines or not lines[0].startswith('#') or '"smtp-conn"' not in lines[0]:
                continue
            total += 1
            counts[classify([l.strip()[3:] for l in lines[1:] if l.strip().startswith('at ')])] += 1
    print('dumps', dumps, 'smtp-conn threads sampled', total)
    for k, v in counts.most_common(25):
        print('%5d %5.1f%%  %s' % (v, 100 * v / max(total, 1), k))


if __name__ == '__main__':
    main()
