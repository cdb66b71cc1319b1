package dev.postamt.imap;

import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parsed {@link SortFields} of the messages of recently sorted or threaded mailboxes, shared by
 * all sessions, so that SORT and THREAD on a large mailbox read each message's header once and not at
 * every command. The store keeps no header data of its own; message files never change, so an entry
 * (by user, mailbox id, UIDVALIDITY and UID) is valid for as long as the message exists.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} messages over all mailboxes; the mailbox used longest ago
 * is dropped first. Entries of expunged messages are dropped once they make up half of a mailbox's
 * entries.
 */
final class SortFieldCache {
  /** Roughly 200 bytes each: about 100 MB at the bound. */
  static final int MAX_ENTRIES = 500_000;

  /** Messages a reader thread takes at a time: large enough that handing out work costs nothing. */
  static final int BATCH = 256;

  private record Key(String user, long mailbox, long uidValidity) {}

  /** Access order: the eldest is the mailbox sorted longest ago. */
  private static final LinkedHashMap<Key, Map<Long, SortFields>> MAILBOXES = new LinkedHashMap<>(16, 0.75f, true);

  private SortFieldCache() {}

  /**
   * The fields of the messages {@code msns} of the view, indexed by sequence number - 1 (null for the
   * others): only the messages a command works on are read. {@code progress} (may be null) hears how
   * many were read while the files are read.
   */
  static SortFields[] fields(SelectedMailbox sel, List<Integer> msns, Progress progress) throws IOException {
    Map<Long, SortFields> map = mailbox(sel);
    SortFields[] out = new SortFields[sel.size()];
    List<MessageRecord> missing = new ArrayList<>();
    List<Integer> missingMsns = new ArrayList<>();
    for (int msn : msns) {
      MessageRecord r = sel.record(msn);
      SortFields f = map.get(r.uid());
      if (f == null || !f.base().equals(r.base())) {
        missing.add(r);
        missingMsns.add(msn);
      } else {
        out[msn - 1] = f;
      }
    }
    if (!missing.isEmpty()) {
      // One mailbox lookup per command, not per message: a message's folder is its mailbox's name.
      MailboxInfo info = sel.account.mailbox(sel.id).orElse(null);
      SortFields[] loaded = load(sel, info, missing, progress);
      for (int i = 0; i < loaded.length; i++) {
        map.put(missing.get(i).uid(), loaded[i]);
        out[missingMsns.get(i) - 1] = loaded[i];
      }
    }
    if (map.size() > 2 * Math.max(64, sel.size())) {
      java.util.Set<Long> live = new java.util.HashSet<>(sel.uids());
      map.keySet().retainAll(live);
    }
    trim();
    return out;
  }

  /**
   * Reads the fields of {@code records}: a few at a time on this thread, many on {@link #readers}
   * virtual threads side by side (each takes the next {@link #BATCH} messages), so that the reads of
   * a large mailbox overlap and its parsing uses every core; the answer is in the order given.
   */
  private static SortFields[] load(SelectedMailbox sel, MailboxInfo info, List<MessageRecord> records, Progress progress)
      throws IOException {
    SortFields[] out = new SortFields[records.size()];
    int threads = Math.min(readers(), (records.size() + BATCH - 1) / BATCH);
    if (threads <= 1) {
      SortHeader.Buffer buffer = new SortHeader.Buffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = load(sel, info, records.get(i), buffer);
        if (progress != null) {
          progress.at(i);
        }
      }
      return out;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(threads);
    Runnable reader = () -> {
      SortHeader.Buffer buffer = new SortHeader.Buffer();
      try {
        for (int from = next.getAndAdd(BATCH); from < out.length; from = next.getAndAdd(BATCH)) {
          int to = Math.min(out.length, from + BATCH);
          for (int i = from; i < to; i++) {
            out[i] = load(sel, info, records.get(i), buffer);
          }
          done.addAndGet(to - from);
        }
      } finally {
        finished.countDown();
      }
    };
    for (int t = 0; t < threads; t++) {
      Thread.ofVirtual().name("imap-sort-read").start(reader);
    }
    try {
      while (!finished.await(100, TimeUnit.MILLISECONDS)) {
        if (progress != null) {
          progress.at(done.get());
        }
      }
    } catch (InterruptedException e) {
      next.set(out.length); // the readers stop after their batch
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading message headers");
    }
    // The latch orders the readers' writes before these reads; a reader that died leaves a gap.
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        out[i] = SortFields.missing(records.get(i));
      }
    }
    return out;
  }

  /** How many virtual threads read a mailbox's headers side by side: enough to overlap file reads. */
  static int readers() {
    return Math.clamp(2L * Runtime.getRuntime().availableProcessors(), 2, 8);
  }

  private static SortFields load(SelectedMailbox sel, MailboxInfo info, MessageRecord r, SortHeader.Buffer buffer) {
    Optional<MessageContent> c = info == null ? Optional.empty() : sel.account.open(info, r);
    if (c.isEmpty()) {
      return SortFields.missing(r);
    }
    try (MessageContent content = c.get()) {
      return SortFields.read(content, r, buffer);
    } catch (IOException | RuntimeException e) {
      return SortFields.missing(r);
    }
  }

  private static Map<Long, SortFields> mailbox(SelectedMailbox sel) {
    Key k = new Key(sel.account.user(), sel.id, sel.uidValidity);
    synchronized (MAILBOXES) {
      return MAILBOXES.computeIfAbsent(k, x -> new ConcurrentHashMap<>());
    }
  }

  private static void trim() {
    synchronized (MAILBOXES) {
      long total = 0;
      for (Map<Long, SortFields> m : MAILBOXES.values()) {
        total += m.size();
      }
      Iterator<Map<Long, SortFields>> it = MAILBOXES.values().iterator();
      while (total > MAX_ENTRIES && MAILBOXES.size() > 1 && it.hasNext()) {
        total -= it.next().size();
        it.remove();
      }
    }
  }
}
