package dev.postamt.cli;

import dev.postamt.queue.ControlSocket;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueueAdmin;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code postamt queue list|show|flush|requeue|delete|hold|release}: like mailq, postcat, postqueue -f
 * and postsuper. Changes go through the running server's control socket when it listens, else straight
 * to the spool; list and show always read the spool.
 */
@Command(
    name = "queue",
    description = "Inspect and manage the mail queue.",
    subcommands = {
      QueueCommand.ListQueue.class,
      QueueCommand.Show.class,
      QueueCommand.Flush.class,
      QueueCommand.Requeue.class,
      QueueCommand.Delete.class,
      QueueCommand.Hold.class,
      QueueCommand.Release.class
    })
final class QueueCommand {
  private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss", Locale.ROOT);

  /** Runs {@code request} on the server, or {@code direct} on the spool when no server runs. */
  static int act(CommandSpec spec, ConfigOption option, String request, Direct direct) {
    Config config = option.load();
    try {
      Optional<String> reply = ControlSocket.request(ControlSocket.path(config), request);
      String line;
      if (reply.isPresent()) {
        line = reply.get();
      } else {
        line = direct.run(new QueueAdmin(new DurableSpool(config.dataDir().resolve("queue")), null));
      }
      if (line.startsWith("error ")) {
        throw new CliException(line.substring(6));
      }
      spec.commandLine().getOut().println(line.startsWith("ok ") ? line.substring(3) : line);
      return 0;
    } catch (IOException e) {
      throw new CliException("queue: " + e.getMessage());
    }
  }

  @FunctionalInterface
  interface Direct {
    String run(QueueAdmin admin) throws IOException;
  }

  static QueueAdmin reader(ConfigOption option) throws IOException {
    return new QueueAdmin(new DurableSpool(option.load().dataDir().resolve("queue")), null);
  }

  @Command(name = "list", description = "List the queued messages (like mailq).")
  static final class ListQueue implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      var messages = reader(config).list();
      if (messages.isEmpty()) {
        out.println("Mail queue is empty");
        return 0;
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
            out.println("                                               (" + t.reason() + ")");
          }
          out.println("                                               " + m.envelope().recipients().get(i).address());
        }
        out.println();
      }
      out.printf(Locale.ROOT, "-- %d Kbytes in %d Request%s.%n", (bytes + 1023) / 1024, messages.size(), messages.size() == 1 ? "" : "s");
      return 0;
    }
  }

  @Command(name = "show", description = "Show a queued message's envelope and content (like postcat -q).")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "queue id")
    String id;

    @Override
    public Integer call() throws IOException {
      QueueAdmin admin = reader(config);
      QueuedMessage m = admin.show(id).orElseThrow(() -> new CliException("queue: no message " + id + " in the queue"));
      PrintWriter out = spec.commandLine().getOut();
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
      try (InputStream in = admin.spool().openMessage(m)) {
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
  static final class Flush implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return act(spec, config, "flush",
          a -> "ok " + a.flush() + " message(s) will be tried as soon as the server runs (it is not running)");
    }
  }

  /** ID or --all, for requeue and delete. */
  abstract static class OneOrAll implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "a queue id")
    String id;

    @Option(names = "--all", description = "every message in the queue")
    boolean all;

    /** The request word for the server: the id or "--all". */
    String target() {
      if (all == (id != null)) {
        throw new CliException("give a queue id or --all");
      }
      return all ? "--all" : id;
    }
  }

  @Command(name = "requeue", description = "Retry a message (or --all) now, forgetting its back-off (like postsuper -r).")
  static final class Requeue extends OneOrAll {
    @Override
    public Integer call() {
      String t = target();
      return act(spec, config, "requeue " + t, a -> all
          ? "ok requeued " + a.requeueAll() + " message(s)"
          : a.requeue(id) ? "ok requeued " + id : "error no message " + id + " in the queue");
    }
  }

  @Command(name = "delete", description = "Delete a message (or --all) from the queue without notice (like postsuper -d).")
  static final class Delete extends OneOrAll {
    @Override
    public Integer call() {
      String t = target();
      return act(spec, config, "delete " + t, a -> all
          ? "ok deleted " + a.deleteAll() + " message(s)"
          : a.delete(id) ? "ok deleted " + id : "error no message " + id + " in the queue");
    }
  }

  @Command(name = "hold", description = "Put a message on hold: kept, not tried (like postsuper -h).")
  static final class Hold implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "queue id")
    String id;

    @Override
    public Integer call() {
      return act(spec, config, "hold " + id,
          a -> a.hold(id) ? "ok " + id + " is on hold" : "error no active message " + id + " in the queue");
    }
  }

  @Command(name = "release", description = "Release a held message (like postsuper -H).")
  static final class Release implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "queue id")
    String id;

    @Override
    public Integer call() {
      return act(spec, config, "release " + id,
          a -> a.release(id) ? "ok released " + id : "error no held message " + id + " in the queue");
    }
  }
}
