package dev.postamt.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code [store]}: the mail store. {@code quota} (bytes) and {@code quotaMessages} are the per-user
 * limits for users without their own ({@code postamt user quota}); 0 means unlimited.
 *
 * @param mailDir {@code mail_dir}: where the users' Maildirs live; empty means {@code data_dir/mail}
 *     ({@link Config#mailDir()}). Several nodes sharing one PostgreSQL database point it at one shared
 *     directory, while each keeps its own {@code data_dir} (queue, locks, local files).
 * @param blobs {@code blobs}: where message bodies live, {@value #MAILDIR} (files under {@code mail_dir},
 *     the default) or {@value #POSTGRESQL} (in the {@code [database]}, for small sites whose nodes share
 *     no filesystem); the latter only with a PostgreSQL {@code [database] url} (checked by {@link Config}).
 */
public record Store(long quota, long quotaMessages, Optional<Path> mailDir, String blobs) {
  public static final String MAILDIR = "maildir";
  public static final String POSTGRESQL = "postgresql";

  public Store(long quota, long quotaMessages) {
    this(quota, quotaMessages, Optional.empty());
  }

  public Store(long quota, long quotaMessages, Optional<Path> mailDir) {
    this(quota, quotaMessages, mailDir, MAILDIR);
  }

  /** Whether message bodies live in PostgreSQL rather than in Maildir files. */
  public boolean blobsInDatabase() {
    return POSTGRESQL.equals(blobs);
  }

  static Store parse(ConfigReader r) {
    r.allowKeys("store", "quota", "quota_messages", "mail_dir", "blobs");
    Optional<Path> mailDir = r.path("store.mail_dir");
    String blobs = r.string("store.blobs", MAILDIR);
    if (!blobs.equals(MAILDIR) && !blobs.equals(POSTGRESQL)) {
      r.error("store.blobs", "must be \"" + MAILDIR + "\" or \"" + POSTGRESQL + "\", got \"" + blobs + "\"");
      blobs = MAILDIR;
    }
    return new Store(r.size("store.quota", 0, 0, 1L << 50), r.integer("store.quota_messages", 0, 0, Integer.MAX_VALUE),
        mailDir, blobs);
  }
}
