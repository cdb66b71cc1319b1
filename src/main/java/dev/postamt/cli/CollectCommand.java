package dev.postamt.cli;

import dev.postamt.collect.CollectException;
import dev.postamt.collect.CollectService;
import dev.postamt.collect.Collector;
import dev.postamt.collect.MdaDrop;
import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.server.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt collect add|list|remove|run}: fetch mail from users' accounts on other servers; the
 * logic is {@link CollectService} (see {@code docs/collect.md}).
 */
@Command(name = "collect", description = "Fetch mail from users' accounts on other POP3/IMAP servers.",
    subcommands = {CollectCommand.Add.class, CollectCommand.ListAccounts.class, CollectCommand.Remove.class,
        CollectCommand.Run.class})
final class CollectCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
      .withZone(java.time.ZoneOffset.UTC);

  /** Runs {@code work} on the service, turning its errors into the command's one-line error. */
  private static <T> T with(Config config, boolean deliver, java.util.function.Function<CollectService, T> work) {
    try (Directory directory = deliver ? Directory.open(config) : null;
        MdaDrop drop = deliver ? MdaDrop.standalone(config, Server.quotaPolicy(directory, config)) : null;
        CollectService s = CollectService.open(config, drop)) {
      return work.apply(s);
    } catch (CollectException e) {
      throw new CliException(e.getMessage());
    } catch (IOException | UncheckedIOException | DirectoryException e) {
      throw new CliException("collect: " + e.getMessage());
    }
  }

  @Command(name = "add", description = "Add a remote account to collect from (the first run is due at once).")
  static final class Add extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the local user")
    String address;

    @Parameters(index = "1", paramLabel = "URL", description = "pop3s://host[:port] or imaps://host[:port]"
        + " (pop3:// and imap:// need STARTTLS)")
    String url;

    @Option(names = "--user", required = true, paramLabel = "U", description = "login on the remote server")
    String user;

    @Option(names = "--password", required = true, paramLabel = "P",
        description = "password (an app password) on the remote server; stored encrypted")
    String password;

    @Option(names = "--keep", description = "leave collected messages on the remote server (default: delete them)")
    boolean keep;

    @Option(names = "--insecure", description = "accept a certificate that does not verify (self-signed)")
    boolean insecure;

    @Option(names = "--plaintext", description = "with pop3:// or imap://, allow a server without STARTTLS"
        + " (the password then crosses the network readable)")
    boolean plaintext;

    @Override
    public Integer call() {
      long id = with(admin().config(), false, s -> s.add(address, url, user, password, keep, insecure, plaintext));
      return print("added remote account " + id + " for " + address);
    }
  }

  @Command(name = "list", description = "A user's remote accounts: last run, last error, next attempt.")
  static final class ListAccounts extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() {
      List<CollectService.View> all = with(admin().config(), false, s -> s.list(address));
      if (all.isEmpty()) {
        return print("no remote accounts for " + address);
      }
      for (CollectService.View v : all) {
        out().println(String.format(Locale.ROOT, "%d %s user=%s %s%s collected=%d last_run=%s next=%s%s", v.id(),
            v.url(), v.login(), v.keep() ? "keep" : "delete", v.insecure() ? " insecure" : "", v.collected(),
            v.lastRun().map(TIME::format).orElse("never"),
            v.nextAttempt().isAfter(java.time.Instant.now()) ? TIME.format(v.nextAttempt()) : "due",
            v.lastError().map(e -> " error=\"" + e + "\"").orElse("")));
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Stop collecting from a remote account (collected mail stays).")
  static final class Remove extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Parameters(index = "1", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      with(admin().config(), false, s -> {
        s.remove(address, id);
        return null;
      });
      return print("removed remote account " + id + " of " + address);
    }
  }

  @Command(name = "run", description = "Collect now from every remote account of ADDRESS (or of every user).")
  static final class Run extends AdminCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() {
      List<Collector.Result> results = with(admin().config(), true, s -> s.run(Optional.ofNullable(address)));
      boolean failed = false;
      for (Collector.Result r : results) {
        out().println(String.format(Locale.ROOT, "%d %s %s: %d fetched, %d deleted%s", r.account(), r.owner(), r.url(),
            r.fetched(), r.deleted(), r.error() == null ? "" : ", error: " + r.error()));
        failed |= r.error() != null;
      }
      if (results.isEmpty()) {
        out().println("no remote accounts");
      }
      return failed ? 1 : 0;
    }
  }
}
