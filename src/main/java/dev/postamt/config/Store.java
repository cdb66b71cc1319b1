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
 */
public record Store(long quota, long quotaMessages, Optional<Path> mailDir) {
  public Store(long quota, long quotaMessages) {
    this(quota, quotaMessages, Optional.empty());
  }

  static Store parse(ConfigReader r) {
    r.allowKeys("store", "quota", "quota_messages", "mail_dir");
    Optional<Path> mailDir = r.path("store.mail_dir");
    return new Store(
        r.size("store.quota", 0, 0, 1L << 50), r.integer("store.quota_messages", 0, 0, Integer.MAX_VALUE), mailDir);
  }
}
