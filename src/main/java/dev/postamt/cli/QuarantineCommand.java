package dev.postamt.cli;

import dev.postamt.quarantine.Quarantine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt quarantine list|show|release|delete}: messages held instead of delivered (a virus
 * found with {@code antivirus.action = "quarantine"}); the logic is {@link
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

  @Command(name = "list", description = "List the held messages, oldest first.")
  static final class ListHeld extends AdminCommand {
    @Override
    public Integer call() {
      List<Quarantine.Entry> held = admin().quarantine().list();
      if (held.isEmpty()) {
        return print("Quarantine is empty");
      }
      PrintWriter out = out();
      for (Quarantine.Entry e : held) {
        out.printf(Locale.ROOT, "%-16s %s %9d  from=<%s> to=%s  %s%n", e.id(),
            HELD.format(e.held().atZone(ZoneId.systemDefault())), e.size(), e.sender(),
            String.join(",", e.recipients()), e.reason());
      }
      out.printf(Locale.ROOT, "-- %d message%s held%n", held.size(), held.size() == 1 ? "" : "s");
      return 0;
    }
  }

  @Command(name = "show", description = "Show a held message's envelope, reason and content.")
  static final class Show extends OneId {
    @Override
    public Integer call() throws IOException {
      Quarantine.Entry e = admin().quarantine().show(id);
      PrintWriter out = out();
      out.println("id: " + e.id());
      out.println("held: " + e.held());
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
