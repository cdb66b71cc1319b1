package dev.postamt.admin;

import dev.postamt.config.Config;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A user's quota limits (their own setting, else the {@code [store]} default) and what their mailboxes
 * use of them, as {@code postamt user show} and {@code user quota} print it.
 */
public record QuotaReport(String user, Limit storage, Limit messages) {

  /**
   * One limit and its use.
   *
   * @param limit 0 for unlimited
   * @param own true when the user has their own setting, false when the config default applies
   */
  public record Limit(long used, long limit, boolean own) {
    /** {@code "12 of 100 bytes (12%) [user]"}, {@code "3 of unlimited [default]"}. */
    public String describe(String unit) {
      String source = own ? "[user]" : "[default]";
      if (limit == 0) {
        return used + " of unlimited " + source;
      }
      return used + " of " + limit + unit + " (" + (used * 100 / limit) + "%) " + source;
    }

    static Limit of(long used, OptionalLong own, long fallback) {
      return new Limit(used, own.orElse(fallback), own.isPresent());
    }
  }

  /**
   * A limit as a person types it: a number (for storage also a size like {@code 500M} or {@code 2G}),
   * {@code 0} or {@code unlimited} for no limit, {@code none} or {@code default} for the config
   * default (returned as empty).
   *
   * @param what how the value was named, for the error message ({@code SIZE}, {@code --messages})
   */
  public static OptionalLong parseLimit(String value, boolean isSize, String what) {
    String t = value.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none") || t.equals("default")) {
      return OptionalLong.empty();
    }
    if (t.equals("unlimited")) {
      return OptionalLong.of(0);
    }
    long n = isSize ? Config.parseSize(t) : (t.matches("\\d{1,18}") ? Long.parseLong(t) : -1);
    if (n < 0) {
      throw new AdminException(what + " must be " + (isSize ? "a size like 500M or 2G" : "a number")
          + ", 0, 'unlimited' or 'none', got '" + value + "'");
    }
    return OptionalLong.of(n);
  }
}
