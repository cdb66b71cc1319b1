package dev.postamt.config;

/**
 * {@code [search]}: the full-text index of each user's mail (see {@code docs/search.md}). Read at
 * start-up; a change needs a restart.
 *
 * @param enabled whether the server keeps the indexes and searches use them (off: every search scans)
 * @param queue how many users may wait for the indexer at once; beyond, a user is marked stale and
 *     caught up when the queue has room, so delivery never waits for the index
 * @param messageMax messages larger than this are not read for the index (searches read them)
 * @param attachmentTextMax how many characters of attachment text (text, HTML, PDF) one message may add to
 *     the word fields; 0 indexes attachment names only
 */
public record Search(boolean enabled, int queue, long messageMax, int attachmentTextMax) {
  static Search parse(ConfigReader r) {
    r.allowKeys("search", "enabled", "queue", "message_max", "attachment_text_max");
    return new Search(
        r.bool("search.enabled", true),
        r.integer("search.queue", 10_000, 1, 10_000_000),
        r.size("search.message_max", 50L * 1024 * 1024, 1024, 1L << 31),
        r.integer("search.attachment_text_max", 1_000_000, 0, 100_000_000));
  }

  /** The defaults (tools and tests without a config file). */
  public static Search defaults() {
    return new Search(true, 10_000, 50L * 1024 * 1024, 1_000_000);
  }
}
