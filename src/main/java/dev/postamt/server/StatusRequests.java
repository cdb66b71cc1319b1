package dev.postamt.server;

import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.net.ControlSocket;
import dev.postamt.net.Listener;
import dev.postamt.queue.DurableSpool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The running server's answers to {@code status}, {@code who} and {@code kick ADDRESS} on its control
 * socket (like {@code postfix status}, {@code doveadm who} and {@code doveadm kick}); {@code
 * admin.RunningServer} asks and reads them. Each reply is one line of space-separated fields:
 *
 * <pre>
 * status → ok pid=4711 started=2026-12-04T15:00:00Z uptime=120 queue=3 listen=smtp=127.0.0.1:25,imap=… sessions=smtp:1,imap:2,…
 * who    → ok alice%40example.test,imap,192.0.2.1,2026-12-04T15:01:00Z …   (user URL-encoded; one entry per session)
 * kick A → ok 2                                                            (IMAP, POP3 and web sessions ended)
 * reload → ok certificate%20reloaded%20from%20… limits%20changed%3A%20…   (what the reload did, one URL-encoded line each;
 *          error config has errors, the running configuration stays: …   when nothing was reloaded)
 * </pre>
 *
 * <p>{@code reload} ({@link #reloads}) is what SIGHUP does, asked through the socket: it works where the
 * signal cannot (a server started under {@code nohup} ignores SIGHUP, and the JVM keeps it ignored), and the
 * asker gets the report instead of looking for it in the log.
 */
final class StatusRequests implements ControlSocket.Handler {
  /** The services whose sessions {@code kick} ends: mailbox access, not mail submission. */
  private static final Set<String> KICKABLE = Set.of("imap", "imaps", "pop3", "pop3s");

  private final Instant started = Instant.now();
  private final Supplier<List<Listener>> listeners;
  private final Supplier<Map<String, InetSocketAddress>> others;
  private final DurableSpool spool;
  private final java.util.function.ToIntFunction<String> endWebSessions;

  StatusRequests(Supplier<List<Listener>> listeners, DurableSpool spool) {
    this(listeners, spool, Map::of);
  }

  /**
   * @param others listeners that are not {@link Listener}s (the HTTP server): service to bound
   *     address, shown in {@code listen=} without a session count
   */
  StatusRequests(Supplier<List<Listener>> listeners, DurableSpool spool, Supplier<Map<String, InetSocketAddress>> others) {
    this(listeners, spool, others, a -> 0);
  }

  /** @param endWebSessions ends a user's web sessions (browser logins), returning how many there were */
  StatusRequests(Supplier<List<Listener>> listeners, DurableSpool spool, Supplier<Map<String, InetSocketAddress>> others,
      java.util.function.ToIntFunction<String> endWebSessions) {
    this.endWebSessions = endWebSessions;
    this.others = others;
    this.listeners = listeners;
    this.spool = spool;
  }

  /** Answers {@code reload} by running {@code reload} (Server::reload) and sending its report lines. */
  static ControlSocket.Handler reloads(Supplier<List<String>> reload) {
    return (verb, arg) -> {
      if (!verb.equals("reload")) {
        return Optional.empty();
      }
      List<String> report = reload.get();
      if (report.size() == 1 && report.getFirst().startsWith(Server.RELOAD_REFUSED)) {
        return Optional.of("error " + report.getFirst()); // the CLI fails with it (as postfix reload does)
      }
      StringBuilder reply = new StringBuilder("ok");
      for (String line : report) {
        reply.append(' ').append(URLEncoder.encode(line, StandardCharsets.UTF_8));
      }
      return Optional.of(reply.toString());
    };
  }

  @Override
  public Optional<String> answer(String verb, String arg) throws IOException {
    return Optional.ofNullable(switch (verb) {
      case "status" -> status();
      case "who" -> who();
      case "kick" -> kick(arg);
      default -> null;
    });
  }

  private String status() throws IOException {
    List<String> listen = new ArrayList<>();
    Map<String, Integer> sessions = new LinkedHashMap<>();
    for (Listener l : listeners.get()) {
      InetSocketAddress a = l.localAddress();
      String host = a.getAddress().getHostAddress();
      listen.add(l.service() + "=" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
      sessions.merge(l.service(), l.connections().size(), Integer::sum);
    }
    others.get().forEach((service, a) -> {
      String host = a.getAddress().getHostAddress();
      listen.add(service + "=" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    });
    List<String> counts = new ArrayList<>();
    sessions.forEach((service, n) -> counts.add(service + ":" + n));
    return "ok pid=" + ProcessHandle.current().pid()
        + " started=" + started
        + " uptime=" + Duration.between(started, Instant.now()).toSeconds()
        + " queue=" + spool.ids().size()
        + " listen=" + String.join(",", listen)
        + " sessions=" + String.join(",", counts);
  }

  private String who() {
    StringBuilder b = new StringBuilder("ok");
    for (Listener l : listeners.get()) {
      for (Connection c : l.connections()) {
        Optional<Connection.Login> login = c.login();
        if (login.isEmpty() || c.isClosed()) {
          continue;
        }
        b.append(' ')
            .append(URLEncoder.encode(login.get().user(), StandardCharsets.UTF_8))
            .append(',').append(l.service())
            .append(',').append(c.remote().getAddress().getHostAddress())
            .append(',').append(login.get().since());
      }
    }
    return b.toString();
  }

  private String kick(String address) {
    String user = address.strip().toLowerCase(Locale.ROOT);
    if (user.isEmpty() || user.contains(" ")) {
      return "error kick needs one address";
    }
    int n = 0;
    for (Listener l : listeners.get()) {
      if (!KICKABLE.contains(l.service())) {
        continue;
      }
      for (Connection c : l.connections()) {
        if (c.login().map(x -> x.user().toLowerCase(Locale.ROOT).equals(user)).orElse(false)) {
          l.goodbye(c, ConnectionHandler.Goodbye.KICK);
          n++;
        }
      }
    }
    n += endWebSessions.applyAsInt(user);
    return "ok " + n;
  }
}
