package dev.postamt.cli;

import dev.postamt.admin.BanAdmin;
import dev.postamt.ban.BanList;
import dev.postamt.ban.Bans;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt ban list|add|remove}: the clients refused at connect by every protocol (the built-in
 * fail2ban); the logic is {@link BanAdmin}.
 */
@Command(
    name = "ban",
    description = "List, add or lift bans of client addresses (every protocol refuses them at connect).",
    subcommands = {BanCommand.ListBans.class, BanCommand.Add.class, BanCommand.Remove.class})
final class BanCommand {

  @Command(name = "list", description = "List the bans holding now: address, until, reason, count.")
  static final class ListBans extends AdminCommand {
    @Override
    public Integer call() {
      List<BanList.Entry> bans = admin().bans().list();
      if (bans.isEmpty()) {
        return print("No bans");
      }
      PrintWriter out = out();
      for (BanList.Entry e : bans) {
        out.printf(Locale.ROOT, "%-28s until=%-20s count=%d  %s%n", e.network(),
            e.until().map(Instant::toString).orElse("permanent"), e.count(), e.reason());
      }
      out.printf(Locale.ROOT, "-- %d ban%s%n", bans.size(), bans.size() == 1 ? "" : "s");
      return 0;
    }
  }

  @Command(name = "add", description = "Ban an address or block (an IPv6 address bans its /64).")
  static final class Add extends AdminCommand {
    @Parameters(paramLabel = "IP", description = "address or block, e.g. 192.0.2.7, 198.51.100.0/24, 2001:db8::1")
    String target;

    @Option(names = "--for", paramLabel = "DURATION",
        description = "how long: 30m, 12h, 7d, 2w or permanent (default ban.duration)")
    String length;

    @Override
    public Integer call() {
      BanAdmin.Result r = admin().bans().add(target, Optional.ofNullable(length));
      BanList.Entry e = r.entry();
      String time = e.until().map(u -> "for " + Bans.render(Duration.between(e.since(), u)) + ", until " + u)
          .orElse("permanently");
      return print("Banned " + e.network() + " " + time + (r.serverTold() ? "" : " (no server running; it applies at start)"));
    }
  }

  @Command(name = "remove", description = "Lift the ban of an address or block.")
  static final class Remove extends AdminCommand {
    @Parameters(paramLabel = "IP", description = "address or block as ban list shows it")
    String target;

    @Override
    public Integer call() {
      admin().bans().remove(target);
      return print("Ban of " + Bans.normalise(target) + " lifted");
    }
  }
}
