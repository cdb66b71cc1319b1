package dev.postamt.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages just committed to the spool with their bytes still in memory, kept for the queue's first
 * attempt at them ({@link QueueManager#submit(QueuedMessage)}), which then need not read back the file
 * just written. At most {@link #MAX_BYTES} of message bytes are kept; a message beyond that, or one
 * without its bytes in memory (over 256 KiB, written to its file as it arrived), is not kept and its
 * attempt reads the spool. Each message is taken once.
 */
final class FreshMessages {
  /** The message bytes kept at most. */
  static final long MAX_BYTES = 16L << 20;

  private final Map<String, QueuedMessage> byId = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();

  /** Keeps {@code m} for its first attempt when its bytes are in memory and there is room. */
  void keep(QueuedMessage m) {
    byte[] content = m.content();
    if (content == null) {
      return;
    }
    if (bytes.addAndGet(content.length) > MAX_BYTES || byId.putIfAbsent(m.id(), m) != null) {
      bytes.addAndGet(-content.length);
    }
  }

  /** The message kept under {@code id}, no longer kept; null when there is none. */
  QueuedMessage take(String id) {
    QueuedMessage m = byId.remove(id);
    if (m != null) {
      bytes.addAndGet(-m.content().length);
    }
    return m;
  }
}
