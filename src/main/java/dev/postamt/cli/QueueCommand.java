package dev.postamt.cli;

import dev.postamt.admin.QueueOperations;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt queue list|show|flush|requeue|delete|hold|release}: like mailq, postcat, postqueue -f
 * and postsuper. Changes go through the running server's control socket when it listens, else straight
 * to the spool; list and show always read the spool ({@link QueueOperations}).
 */
@Command(
    name = "queue",
    description = "Inspect and manage the mail queue.",
    subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Flush.class,
        QueueCommand.Requeue.class, QueueCommand.Delete.class, QueueCommand.Hold.class, QueueCommand.Release.class})
final class QueueCommand {
  private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss", Locale.ROOT);
  private static final String INDENT = " ".repeat(47);

  @Command(name = "list", description = "List the queued messages (like mailq).")
  static final class ListQueue extends AdminCommand {
    @Override
    public Integer call() {
      PrintWriter out = out();
      List<QueuedMessage> messages = admin().queue().list();
      if (messages.isEmpty()) {
        return print("Mail queue is empty");
      }
      out.println("-Queue ID-       --Size-- ----Arrival Time---- -Sender/Recipient-------");
      long bytes = 0;
      for (QueuedMessage m : messages) {
        bytes += m.size();
        String sender = m.envelope().sender().isEmpty() ? "MAILER-DAEMON" : m.envelope().sender();
        out.printf(
            Locale.ROOT,
            "%-16s %8d %-20s  %s%n",
            m.id() + (m.held() ? "!" : ""),
            m.size(),
            ARRIVAL.format(m.envelope().arrival().atZone(ZoneId.systemDefault())),
            sender);
        for (int i = 0; i < m.statuses().size(); i++) {
          RecipientStatus s = m.statuses().get(i);
          if (s.done()) {
            continue;
          }
          if (s instanceof RecipientStatus.TempFail t) {
            out.println(INDENT + "(" + t.reason() + ")");
          }
          out.println(INDENT + m.envelope().recipients().get(i).address());
        }
        out.println();
      }
      out.printf(Locale.ROOT, "-- %d Kbytes in %d Request%s.%n", (bytes + 1023) / 1024, messages.size(), messages.size() == 1 ? "" : "s");
      return 0;
    }
  }

  @Command(name = "show", description = "Show a queued message's envelope and content (like postcat -q).")
  static final class Show extends OneId {
    @Override
    public Integer call() throws IOException {
      QueueOperations queue = admin().queue();
      QueuedMessage m = queue.show(id);
      PrintWriter out = out();
      var env = m.envelope();
      out.println("*** ENVELOPE RECORDS " + id + " ***");
      out.println("queue: " + (m.held() ? "hold" : "active"));
      out.println("message_size: " + m.size());
      out.println("message_arrival_time: " + env.arrival());
      out.println("sender: " + env.sender());
      out.println("body: " + env.body() + (env.smtpUtf8() ? " SMTPUTF8" : ""));
      env.ret().ifPresent(r -> out.println("ret: " + r));
      env.envid().ifPresent(e -> out.println("envid: " + e));
      out.println("client: " + env.clientHelo() + " [" + env.clientAddress() + "] " + env.protocol()
          + env.authUser().map(u -> " auth=" + u).orElse(""));
      for (int i = 0; i < env.recipients().size(); i++) {
        var r = env.recipients().get(i);
        out.println("recipient: " + r.address()
            + (r.notifyOn().isEmpty() ? "" : " NOTIFY=" + String.join(",", r.notifyOn()))
            + r.orcpt().map(o -> " ORCPT=" + o).orElse("")
            + " (" + describe(m.statuses().get(i)) + ")");
      }
      out.println("*** MESSAGE CONTENTS " + id + " ***");
      out.print(m.headers().replace("\r\n", "\n"));
      out.flush();
      try (InputStream in = queue.openContent(m)) {
        out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n"));
      }
      out.println("*** MESSAGE FILE END " + id + " ***");
      return 0;
    }

    private static String describe(RecipientStatus s) {
      return switch (s) {
        case RecipientStatus.Scheduled x -> "scheduled";
        case RecipientStatus.Delivered d -> "delivered: " + d.detail();
        case RecipientStatus.PermFail p -> "failed: " + p.reason();
        case RecipientStatus.TempFail t -> "deferred, attempt " + t.attempts() + ", next " + t.next() + ": " + t.reason();
      };
    }
  }

  @Command(name = "flush", description = "Try all deferred mail now (like postqueue -f).")
  static final class Flush extends AdminCommand {
    @Override
    public Integer call() {
      return print(admin().queue().flush());
    }
  }

  /** The ID of hold, release and show. */
  abstract static class OneId extends AdminCommand {
    @Parameters(paramLabel = "ID", description = "queue id")
    String id;
  }

  /** ID or --all, for requeue and delete. */
  abstract static class OneOrAll extends AdminCommand {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "a queue id")
    String id;

    @Option(names = "--all", description = "every message in the queue")
    boolean all;

    /** Runs {@code forAll} or {@code forOne}, once the arguments name an id or --all (checked before the config). */
    Integer run(Function<QueueOperations, String> forAll, BiFunction<QueueOperations, String, String> forOne) {
      if (all == (id != null)) {
        throw new CliException("give a queue id or --all");
      }
      QueueOperations q = admin().queue();
      return print(all ? forAll.apply(q) : forOne.apply(q, id));
    }
  }

  @Command(name = "requeue", description = "Retry a message (or --all) now, forgetting its back-off (like postsuper -r).")
  static final class Requeue extends OneOrAll {
    @Override
    public Integer call() {
      return run(QueueOperations::requeueAll, QueueOperations::requeue);
    }
  }

  @Command(name = "delete", description = "Delete a message (or --all) from the queue without notice (like postsuper -d).")
  static final class Delete extends OneOrAll {
    @Override
    public Integer call() {
      return run(QueueOperations::deleteAll, QueueOperations::delete);
    }
  }

  @Command(name = "hold", description = "Put a message on hold: kept, not tried (like postsuper -h).")
  static final class Hold extends OneId {
    @Override
    public Integer call() {
      return print(admin().queue().hold(id));
    }
  }

  @Command(name = "release", description = "Release a held message (like postsuper -H).")
  static final class Release extends OneId {
    @Override
    public Integer call() {
      return print(admin().queue().release(id));
    }
  }
}
