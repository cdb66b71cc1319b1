package dev.postamt.cli;

import dev.postamt.admin.RunningServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt status}, {@code who} and {@code kick ADDRESS}: the running server, asked through its
 * control socket ({@link RunningServer}), like {@code postfix status} and {@code doveadm who/kick}.
 */
final class SessionCommands {
  private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private SessionCommands() {}

  @Command(name = "status", description = "Say whether the server runs: pid, uptime, listeners, queue, sessions (exit 1 if not running).")
  static final class Status extends AdminCommand {
    @Override
    public Integer call() {
      RunningServer server = admin().server();
      Optional<RunningServer.Status> s = server.status();
      if (s.isEmpty()) {
        spec.commandLine().getErr().println(server.notRunning());
        return 1;
      }
      RunningServer.Status st = s.get();
      PrintWriter out = out();
      out.println("postamt is running (pid " + st.pid() + ")");
      out.println("uptime: " + uptime(st.uptime()) + " (since " + local(st.started()) + ")");
      out.println("queue: " + st.queued() + " message(s)");
      out.println("listeners:");
      st.listeners().forEach((service, address) -> out.printf(Locale.ROOT, "  %-12s %s%n", service, address));
      out.println("sessions:");
      for (Map.Entry<String, Integer> e : st.sessions().entrySet()) {
        out.printf(Locale.ROOT, "  %-12s %d%n", e.getKey(), e.getValue());
      }
      return 0;
    }
  }

  @Command(name = "who", description = "List the logged-in sessions: user, protocol, client address, since (like doveadm who).")
  static final class Who extends AdminCommand {
    @Override
    public Integer call() {
      List<RunningServer.Session> sessions = admin().server().who();
      PrintWriter out = out();
      if (sessions.isEmpty()) {
        return print("no one is logged in");
      }
      out.printf(Locale.ROOT, "%-32s %-10s %-39s %s%n", "user", "protocol", "client", "since");
      for (RunningServer.Session s : sessions) {
        out.printf(Locale.ROOT, "%-32s %-10s %-39s %s%n", s.user(), s.service(), s.client(), local(s.since()));
      }
      return 0;
    }
  }

  @Command(name = "kick", description = "End a user's IMAP and POP3 sessions (like doveadm kick).")
  static final class Kick extends AdminCommand {
    @Parameters(paramLabel = "ADDRESS", description = "the user's address")
    String address;

    @Override
    public Integer call() {
      int n = admin().server().kick(address);
      return print("kicked " + n + " session" + (n == 1 ? "" : "s") + " of " + address.strip());
    }
  }

  static String uptime(Duration d) {
    long s = d.toSeconds();
    return s >= 86400
        ? String.format(Locale.ROOT, "%dd %02dh %02dm", s / 86400, s / 3600 % 24, s / 60 % 60)
        : String.format(Locale.ROOT, "%02dh %02dm %02ds", s / 3600, s / 60 % 60, s % 60);
  }

  private static String local(Instant t) {
    return SINCE.format(t.atZone(ZoneId.systemDefault()));
  }
}
