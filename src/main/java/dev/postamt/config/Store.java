package dev.postamt.config;

/**
 * {@code [store]}: the mail store. {@code quota} (bytes) and {@code quotaMessages} are the per-user
 * limits for users without their own ({@code postamt user quota}); 0 means unlimited.
 */
public record Store(long quota, long quotaMessages) {
  static Store parse(ConfigReader r) {
    r.allowKeys("store", "quota", "quota_messages");
    return new Store(
        r.size("store.quota", 0, 0, 1L << 50), r.integer("store.quota_messages", 0, 0, Integer.MAX_VALUE));
  }
}
