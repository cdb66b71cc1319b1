package dev.postamt.filter.lists;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Where the white- and blacklists that are not in the config live: global entries (user {@code ""})
 * added with {@code postamt spam lists add}, each user's own entries, and the addresses each user has
 * written to (the automatic whitelist). Patterns are stored normalised ({@link SpamLists#normalisePattern}).
 * Methods throw {@link IOException} when the store cannot be read or written.
 */
public interface SpamListStore extends AutoCloseable {

  /**
   * The store {@code config} names: PostgreSQL when {@code [database] url} is set ({@link PgSpamLists}), else
   * {@code data_dir/spamlists.db} ({@link SqliteSpamLists}).
   */
  static SpamListStore open(Config config) throws IOException {
    if (config.database().postgres().isEmpty()) {
      return SqliteSpamLists.open(config.dataDir());
    }
    try {
      return PgSpamLists.open(PgDatabase.of(config.database()));
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The kinds of entry, named as in SpamAssassin's configuration and {@code [spam]}. */
  enum Kind {
    WHITELIST_FROM,
    WHITELIST_TO,
    BLACKLIST_FROM,
    ALL_SPAM_TO,
    MORE_SPAM_TO;

    /** {@code whitelist_from}, as in the config and on the command line. */
    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a keyword names; an IllegalArgumentException lists the keywords. */
    public static Kind parse(String keyword) {
      for (Kind k : values()) {
        if (k.keyword().equalsIgnoreCase(keyword.strip())) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown list \"" + keyword
          + "\": use whitelist_from, whitelist_to, blacklist_from, all_spam_to or more_spam_to");
    }
  }

  /**
   * One entry.
   *
   * @param user the user it applies to, "" for everyone
   */
  record Entry(String user, Kind kind, String pattern) {}

  /** The global entries and those of {@code user} (null: the global ones only). */
  List<Entry> entries(String user) throws IOException;

  /** Adds an entry; false when it was there already. */
  boolean add(Entry entry) throws IOException;

  /** Removes an entry; false when there was none. */
  boolean remove(Entry entry) throws IOException;

  /** Notes that {@code user} wrote to each of {@code addresses} (lower case) at {@code when}. */
  void remember(String user, List<String> addresses, Instant when) throws IOException;

  /** Whether {@code user} has written to {@code address} (lower case). */
  boolean remembered(String user, String address) throws IOException;

  /** How many addresses {@code user} has written to. */
  int rememberedCount(String user) throws IOException;

  @Override
  void close();
}
