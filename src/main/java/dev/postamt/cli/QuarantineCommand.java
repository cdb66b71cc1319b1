package dev.postamt.cli;

import dev.postamt.quarantine.Quarantine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt quarantine list|show|release|delete}: messages held instead of delivered (a virus or a
 * forbidden attachment with {@code antivirus.action = "quarantine"}, a spam score over {@code
 * spam.quarantine}); the logic is {@link
 * dev.postamt.admin.QuarantineAdmin}.
 */
@Command(
    name = "quarantine",
    description = "Inspect, release or delete messages held in quarantine.",
    subcommands = {QuarantineCommand.ListHeld.class, QuarantineCommand.Show.class, QuarantineCommand.Release.class,
        QuarantineCommand.Delete.class})
final class QuarantineCommand {
  private static final DateTimeFormatter HELD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  /** The ID of show, release and delete. */
  abstract static class OneId extends AdminCommand {
    @Parameters(paramLabel = "ID", description = "quarantine id (as list shows it)")
    String id;
  }

  @Command(name = "list", description = "List the held messages, oldest first: id, kind, time held, age, size, sender, recipients, reason.")
  static final class ListHeld extends AdminCommand {
    @Override
    public Integer call() {
      List<Quarantine.Entry> held = admin().quarantine().list();
      if (held.isEmpty()) {
        return print("Quarantine is empty");
      }
      PrintWriter out = out();
      Instant now = Instant.now();
      for (Quarantine.Entry e : held) {
        out.printf(Locale.ROOT, "%-16s %-10s %s %6s %9d  from=<%s> to=%s  %s%n", e.id(), e.kind().word(),
            HELD.format(e.held().atZone(ZoneId.systemDefault())), age(Duration.between(e.held(), now)), e.size(),
            e.sender(), String.join(",", e.recipients()), e.reason());
      }
      out.printf(Locale.ROOT, "-- %d message%s held%n", held.size(), held.size() == 1 ? "" : "s");
      return 0;
    }
  }

  /** {@code 45s}, {@code 12m}, {@code 5h}, {@code 3d}: the largest whole unit. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86_400) {
      return s / 3600 + "h";
    }
    return s / 86_400 + "d";
  }

  @Command(name = "show", description = "Show a held message's envelope, reason and content.")
  static final class Show extends OneId {
    @Override
    public Integer call() throws IOException {
      Quarantine.Entry e = admin().quarantine().show(id);
      PrintWriter out = out();
      out.println("id: " + e.id());
      out.println("held: " + e.held() + " (" + age(Duration.between(e.held(), Instant.now())) + " ago)");
      out.println("kind: " + e.kind().word());
      out.println("reason: " + e.reason());
      out.println("sender: " + e.sender());
      for (String r : e.recipients()) {
        out.println("recipient: " + r);
      }
      out.println("client: [" + e.clientIp() + "]");
      out.println("body: " + e.body() + (e.smtpUtf8() ? " SMTPUTF8" : ""));
      out.println("size: " + e.size());
      out.println("*** MESSAGE ***");
      out.flush();
      try (InputStream in = admin().quarantine().open(id)) {
        out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n"));
      }
      out.println("*** END ***");
      return 0;
    }
  }

  @Command(name = "release", description = "Deliver a held message to its original recipients.")
  static final class Release extends OneId {
    @Override
    public Integer call() {
      return print(admin().quarantine().release(id));
    }
  }

  @Command(name = "delete", description = "Delete a held message for good.")
  static final class Delete extends OneId {
    @Override
    public Integer call() {
      return print(admin().quarantine().delete(id));
    }
  }
}
