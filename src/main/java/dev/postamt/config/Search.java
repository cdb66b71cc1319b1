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
 * @param backend where the index lives ({@code backend}): {@link Backend#AUTO} (the default) is PostgreSQL
 *     when {@code [database] url} names it, else Lucene under {@code data_dir/search}
 */
public record Search(boolean enabled, int queue, long messageMax, int attachmentTextMax, Backend backend) {
  /** Where the index lives. */
  public enum Backend {
    /** PostgreSQL with a PostgreSQL {@code [database]}, Lucene otherwise. */
    AUTO,
    /** One Lucene index per user under {@code data_dir/search} on each node. */
    LUCENE,
    /** One index of every user in the {@code [database]}, shared by the nodes. */
    POSTGRESQL
  }

  /** With the {@link Backend#AUTO} backend. */
  public Search(boolean enabled, int queue, long messageMax, int attachmentTextMax) {
    this(enabled, queue, messageMax, attachmentTextMax, Backend.AUTO);
  }

  static Search parse(ConfigReader r) {
    r.allowKeys("search", "enabled", "queue", "message_max", "attachment_text_max", "backend");
    boolean enabled = r.bool("search.enabled", true);
    int queue = r.integer("search.queue", 10_000, 1, 10_000_000);
    long messageMax = r.size("search.message_max", 50L * 1024 * 1024, 1024, 1L << 31);
    int attachmentTextMax = r.integer("search.attachment_text_max", 1_000_000, 0, 100_000_000);
    String backend = r.string("search.backend", "");
    Backend b = switch (backend) {
      case "" -> Backend.AUTO;
      case "lucene" -> Backend.LUCENE;
      case "postgresql" -> Backend.POSTGRESQL;
      default -> {
        r.error("search.backend", "must be \"lucene\" or \"postgresql\" (or left out), got \"" + backend + "\"");
        yield Backend.AUTO;
      }
    };
    return new Search(enabled, queue, messageMax, attachmentTextMax, b);
  }

  /** Whether the index is PostgreSQL's, given whether {@code [database]} names PostgreSQL. */
  public boolean inPostgres(boolean databaseIsPostgres) {
    return backend == Backend.POSTGRESQL || backend == Backend.AUTO && databaseIsPostgres;
  }

  /** The defaults (tools and tests without a config file). */
  public static Search defaults() {
    return new Search(true, 10_000, 50L * 1024 * 1024, 1_000_000);
  }
}
