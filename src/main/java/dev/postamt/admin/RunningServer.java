package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.net.ControlSocket;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code serve} running on this data directory, asked through its control socket: {@code postamt
 * status} (like {@code postfix status}), {@code who} and {@code kick} (like {@code doveadm who/kick}).
 * The server's side is {@code server.StatusRequests}; these read its one-line replies into records.
 */
public final class RunningServer {
  private final Config config;

  RunningServer(Config config) {
    this.config = config;
  }

  /** What {@code status} reports; {@code listeners} service → address, {@code sessions} service → count. */
  public record Status(
      long pid, Instant started, Duration uptime, int queued, Map<String, String> listeners, Map<String, Integer> sessions) {}

  /** One logged-in session. */
  public record Session(String user, String service, String client, Instant since) {}

  /** The server's status, or empty when no server answers on this data directory. */
  public Optional<Status> status() {
    return ask("status").map(RunningServer::parseStatus);
  }

  /** The logged-in sessions, ordered by user then start. */
  public List<Session> who() {
    String reply = require("who");
    List<Session> out = new ArrayList<>();
    for (String entry : words(reply)) {
      String[] f = entry.split(",", 4);
      if (f.length != 4) {
        throw new AdminException("unexpected reply from the server: " + reply);
      }
      out.add(new Session(URLDecoder.decode(f[0], StandardCharsets.UTF_8), f[1], f[2], Instant.parse(f[3])));
    }
    out.sort(java.util.Comparator.comparing(Session::user).thenComparing(Session::since));
    return out;
  }

  /** Ends the IMAP and POP3 sessions of {@code address} (they get {@code * BYE} / {@code -ERR}); returns how many. */
  public int kick(String address) {
    String a = address.strip();
    if (a.isEmpty() || a.chars().anyMatch(c -> c <= ' ')) {
      throw new AdminException("kick: not an address: " + address);
    }
    return Integer.parseInt(require("kick " + a).strip());
  }

  /**
   * Asks the server to reload (as SIGHUP does) and returns what its reload did, one line each; empty when no
   * server answers on the control socket. A server of a version before this request answers {@code error
   * unknown request: reload}, an {@link AdminException} that {@link #olderServer} recognises.
   */
  public Optional<List<String>> reload() {
    return ask("reload").map(r -> words(r).stream().map(w -> URLDecoder.decode(w, StandardCharsets.UTF_8)).toList());
  }

  /** Whether {@code e} says that the server does not know the request (it is of an older version). */
  public static boolean olderServer(AdminException e) {
    return e.getMessage() != null && e.getMessage().startsWith("unknown request");
  }

  /** What {@link #requestReload} did: the server's report lines, or none when it was signalled instead. */
  public record Reload(long pid, Optional<List<String>> report) {}

  /** How long {@link #requestReload} waits for a starting server's control socket. */
  static final java.time.Duration RELOAD_WAIT = java.time.Duration.ofSeconds(30);

  /**
   * Asks the {@code serve} running on this data directory to re-read its config, maps and certificates, as
   * {@code kill -HUP} does: through its control socket, which answers with what was reloaded (and works when
   * the server ignores SIGHUP, as under {@code nohup}). A server that holds the data directory but does not
   * answer yet is starting: its socket is waited for, up to {@link #RELOAD_WAIT}. SIGHUP when it still does
   * not answer (its socket could not be opened) or is of a version without the request; its log then says
   * what was reloaded.
   */
  public Reload requestReload() throws IOException, InterruptedException {
    long pid = dev.postamt.config.DataDirLock.runningServer(config.dataDir())
        .orElseThrow(() -> new AdminException("no postamt serve is running on data directory " + config.dataDir()));
    java.time.Instant until = java.time.Instant.now().plus(RELOAD_WAIT);
    try {
      while (true) {
        Optional<List<String>> report = reload();
        if (report.isPresent()) {
          return new Reload(pid, report);
        }
        if (java.time.Instant.now().isAfter(until) || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
          break;
        }
        Thread.sleep(100);
      }
    } catch (AdminException e) {
      if (!olderServer(e)) {
        throw e;
      }
    }
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes()).trim();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AdminException("cannot signal postamt serve (pid " + pid + "): " + out);
    }
    return new Reload(pid, Optional.empty());
  }

  private String require(String request) {
    return ask(request).orElseThrow(() -> new AdminException(notRunning()));
  }

  /** The one-line message when no server answers. */
  public String notRunning() {
    return "postamt is not running (data directory " + config.dataDir() + ")";
  }

  /** The reply after {@code ok }, or empty when no server listens; {@code error …} becomes the exception. */
  private Optional<String> ask(String request) {
    Optional<String> reply;
    try {
      reply = ControlSocket.request(ControlSocket.path(config), request);
    } catch (IOException e) {
      throw new AdminException("cannot reach the server: " + e.getMessage(), e);
    }
    if (reply.isEmpty()) {
      return Optional.empty();
    }
    String line = reply.get();
    if (line.startsWith("error ")) {
      throw new AdminException(line.substring(6));
    }
    if (!line.equals("ok") && !line.startsWith("ok ")) {
      throw new AdminException("unexpected reply from the server: " + line);
    }
    return Optional.of(line.length() > 3 ? line.substring(3) : "");
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : List.of(s.strip().split(" +"));
  }

  static Status parseStatus(String reply) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String w : words(reply)) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        f.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    try {
      Map<String, String> listeners = new LinkedHashMap<>();
      for (String l : list(f.get("listen"))) {
        int eq = l.indexOf('=');
        listeners.put(l.substring(0, eq), l.substring(eq + 1));
      }
      Map<String, Integer> sessions = new LinkedHashMap<>();
      for (String l : list(f.get("sessions"))) {
        int colon = l.lastIndexOf(':');
        sessions.put(l.substring(0, colon), Integer.parseInt(l.substring(colon + 1)));
      }
      return new Status(
          Long.parseLong(f.get("pid")),
          Instant.parse(f.get("started")),
          Duration.ofSeconds(Long.parseLong(f.get("uptime"))),
          Integer.parseInt(f.get("queue")),
          listeners,
          sessions);
    } catch (RuntimeException e) {
      throw new AdminException("unexpected reply from the server: " + reply, e);
    }
  }

  private static List<String> list(String s) {
    return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
  }
}
