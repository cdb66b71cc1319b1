package dev.postamt.admin;

import dev.postamt.ban.BanList;
import dev.postamt.ban.Bans;
import dev.postamt.config.Config;
import dev.postamt.net.ControlSocket;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code postamt ban list|add|remove}: the ban list in {@code data_dir/bans.db} that every protocol's
 * listener enforces. Changes are written to the file, then the running server (if any) is asked over
 * its control socket to read it again ({@code ban-reload}), so they hold at its next connection.
 */
public final class BanAdmin {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(s|m|h|d|w)");

  private final Config config;
  private final Clock clock;

  BanAdmin(Config config) {
    this(config, Clock.systemUTC());
  }

  BanAdmin(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** What a change did, and whether a running server was told. */
  public record Result(BanList.Entry entry, boolean serverTold) {}

  /** The bans holding now. */
  public List<BanList.Entry> list() {
    return withBans(Bans::active);
  }

  /**
   * Bans {@code target} (an address or block; an IPv6 address bans its /64) for {@code length}: a
   * duration like {@code 30m}, {@code 12h}, {@code 7d}, or {@code permanent}; empty for {@code
   * ban.duration}.
   */
  public Result add(String target, Optional<String> length) {
    Optional<Duration> d = length.isEmpty() ? Optional.of(config.ban().duration()) : parseLength(length.get());
    BanList.Entry e = withBans(b -> {
      try {
        return b.add(target, d, "added by the administrator");
      } catch (IllegalArgumentException ex) {
        throw new AdminException("ban add: " + ex.getMessage());
      }
    });
    return new Result(e, tellServer());
  }

  /** Lifts the ban of {@code target} (as {@code ban list} shows it, or any address in it for an IPv6 /64). */
  public boolean remove(String target) {
    boolean had = withBans(b -> {
      try {
        return b.remove(target);
      } catch (IllegalArgumentException ex) {
        throw new AdminException("ban remove: " + ex.getMessage());
      }
    });
    if (!had) {
      throw new AdminException("ban remove: " + Bans.normalise(target) + " is not banned");
    }
    tellServer();
    return true;
  }

  /** {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, or {@code permanent} (empty). */
  static Optional<Duration> parseLength(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("permanent") || s.equals("forever")) {
      return Optional.empty();
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new AdminException("ban add: --for wants a duration like 30m, 12h, 7d or \"permanent\", not \"" + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    });
  }

  private <T> T withBans(Function<Bans, T> action) {
    BanList store;
    try {
      store = BanList.open(config);
    } catch (BanList.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
    try (store) {
      return action.apply(new Bans(store, config.ban(), config.relay().networks(), clock));
    } catch (BanList.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  /** Asks the running server to read the bans again; false when none runs (it reads them at start). */
  private boolean tellServer() {
    try {
      Optional<String> reply = ControlSocket.request(ControlSocket.path(config), "ban-reload");
      if (reply.isPresent() && !reply.get().startsWith("ok")) {
        throw new AdminException("the running server did not take the change: " + reply.get());
      }
      return reply.isPresent();
    } catch (IOException e) {
      throw new AdminException("written to the ban list"
          + ", but the running server could not be told: " + e.getMessage(), e);
    }
  }
}
