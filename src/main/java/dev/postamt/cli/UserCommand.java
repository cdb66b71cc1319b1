package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.store.MailboxLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postamt user add|list|passwd|remove}: mailbox users and their passwords. */
@Command(
    name = "user",
    description = "Mailbox users: they receive mail and log in with their address and password.",
    subcommands = {
      UserCommand.AddUser.class,
      UserCommand.ListUsers.class,
      UserCommand.Passwd.class,
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
      Path maildir = MailboxLayout.maildir(dataDir, user);
      try {
        // Maildir: new/ cur/ tmp/ must exist before any reader (IMAP, mutt) or writer looks at it.
        for (String sub : new String[] {"cur", "new", "tmp"}) {
          Files.createDirectories(maildir.resolve(sub));
        }
      } catch (IOException e) {
        throw new CliException("added user " + user + " but cannot create " + maildir + ": " + e.getMessage());
      }
      spec.commandLine().getOut().println("added user " + user + " (mail in " + maildir + ")");
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
      Path home = MailboxLayout.home(dataDir, user);
      spec.commandLine().getOut().println(
          "removed user " + user + (Files.isDirectory(home) ? " (mail kept in " + home + ")" : ""));
      return 0;
    }
  }
}
