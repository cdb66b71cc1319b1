package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import dev.postamt.store.Quota;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.StoreException;
import dev.postamt.store.UserHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postamt user add|list|show|passwd|quota|remove}: mailbox users, their passwords and quotas. */
@Command(
    name = "user",
    description = "Mailbox users: they receive mail and log in with their address and password.",
    subcommands = {
      UserCommand.AddUser.class,
      UserCommand.ListUsers.class,
      UserCommand.ShowUser.class,
      UserCommand.Passwd.class,
      UserCommand.SetQuota.class,
      UserCommand.RemoveUser.class
    })
final class UserCommand {

  @Command(
      name = "add",
      description = "Add a user in a local domain and create their Maildir.")
  static final class AddUser implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user's address, also their login name")
    String address;

    @Option(names = "--password", paramLabel = "PW", description = "the password, or - to read one line from stdin")
    String password;

    @Override
    public Integer call() {
      char[] pw = DirectoryAccess.password(password);
      Path dataDir = config.load().dataDir();
      try (Directory dir = Directory.open(dataDir)) {
        dir.addUser(address, pw);
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      } finally {
        Arrays.fill(pw, '\0');
      }
      String user = DirectoryAccess.address(address);
      // The mail store must exist before any reader (IMAP, mutt) or writer looks at it.
      try (MailStore store = new SqliteMailStore(dataDir)) {
        try {
          store.create(user);
        } catch (IOException e) {
          throw new CliException("added user " + user + " but cannot create " + store.location(user) + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("added user " + user + " (mail in " + store.location(user) + ")");
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "List the users, one a line.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        for (String u : dir.users()) {
          spec.commandLine().getOut().println(u);
        }
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "passwd",
      description = "Set a user's password.")
  static final class Passwd implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user's address")
    String address;

    @Option(names = "--password", paramLabel = "PW", description = "the new password, or - to read one line from stdin")
    String password;

    @Override
    public Integer call() {
      char[] pw = DirectoryAccess.password(password);
      try (Directory dir = DirectoryAccess.open(config)) {
        dir.setPassword(address, pw);
        spec.commandLine().getOut().println("changed password of " + DirectoryAccess.address(address));
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
  }

  @Command(
      name = "remove",
      description = "Remove a user; their mail stays on disk until you delete it.")
  static final class RemoveUser implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user's address")
    String address;

    @Override
    public Integer call() {
      Path dataDir = config.load().dataDir();
      try (Directory dir = Directory.open(dataDir)) {
        dir.removeUser(address);
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
      String user = DirectoryAccess.address(address);
      Path home = UserHome.of(dataDir, user);
      spec.commandLine().getOut().println(
          "removed user " + user + (Files.isDirectory(home) ? " (mail kept in " + home + ")" : ""));
      return 0;
    }
  }

  @Command(
      name = "show",
      description = "Show a user's quota limits and how much of them the mailboxes use.")
  static final class ShowUser implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user's address")
    String address;

    @Override
    public Integer call() {
      Config c = config.load();
      try (Directory dir = Directory.open(c.dataDir())) {
        printQuota(spec, dir, c, address);
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "quota",
      description = "Set a user's storage quota (and with --messages their message limit). SIZE is bytes or"
          + " a size like 500M or 2G; 0 or 'unlimited' for no limit; 'none' to use the default of [store].")
  static final class SetQuota implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the user's address")
    String address;

    @Parameters(index = "1", paramLabel = "SIZE|none", description = "storage limit: 1G, 500M, 0/unlimited, or none (the default)")
    String size;

    @Option(names = "--messages", paramLabel = "N|none", description = "message-count limit: a number, 0/unlimited, or none (the default)")
    String messages;

    @Override
    public Integer call() {
      OptionalLong bytes = limit(size, true, "SIZE");
      OptionalLong count = messages == null ? null : limit(messages, false, "--messages");
      Config c = config.load();
      try (Directory dir = Directory.open(c.dataDir())) {
        dir.setStorageQuota(address, bytes);
        if (count != null) {
          dir.setMessageQuota(address, count);
        }
        printQuota(spec, dir, c, address);
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }

    /** A limit as typed: empty for "none"/"default", 0 for "unlimited". */
    private static OptionalLong limit(String v, boolean isSize, String what) {
      String t = v.trim().toLowerCase(Locale.ROOT);
      if (t.equals("none") || t.equals("default")) {
        return OptionalLong.empty();
      }
      if (t.equals("unlimited")) {
        return OptionalLong.of(0);
      }
      long n = isSize ? Config.parseSize(t) : (t.matches("\\d{1,18}") ? Long.parseLong(t) : -1);
      if (n < 0) {
        throw new CliException(what + " must be " + (isSize ? "a size like 500M or 2G" : "a number")
            + ", 0, 'unlimited' or 'none', got '" + v + "'");
      }
      return OptionalLong.of(n);
    }
  }

  /** The user's limits (their own, or the config default) and the usage of their mailboxes. */
  static void printQuota(CommandSpec spec, Directory dir, Config c, String address) throws DirectoryException {
    Directory.UserQuota own = dir.quota(address).orElseThrow(
        () -> new CliException("user " + DirectoryAccess.address(address) + " does not exist"));
    String user = DirectoryAccess.address(address);
    Quota.Usage usage;
    try (MailStore store = new SqliteMailStore(c.dataDir())) {
      usage = store.usage(user);
    } catch (StoreException e) {
      throw new CliException("cannot read the mailbox usage of " + user + ": " + e.getMessage());
    }
    var out = spec.commandLine().getOut();
    out.println("user: " + user);
    out.println("storage: " + usage.bytes() + " of "
        + describe(own.storageBytes(), c.store().quota(), usage.bytes(), " bytes"));
    out.println("messages: " + usage.messages() + " of "
        + describe(own.messages(), c.store().quotaMessages(), usage.messages(), ""));
  }

  private static String describe(OptionalLong own, long fallback, long used, String unit) {
    long limit = own.orElse(fallback);
    String source = own.isPresent() ? "[user]" : "[default]";
    if (limit == 0) {
      return "unlimited " + source;
    }
    return limit + unit + " (" + (used * 100 / limit) + "%) " + source;
  }
}
