package dev.postamt.cli;

import dev.postamt.admin.Admin;
import dev.postamt.admin.QuotaReport;
import dev.postamt.directory.AccountSecurity;
import java.util.List;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postamt user add|list|show|passwd|quota|disable|enable|admin|remove}: mailbox users, their passwords, quotas and roles. */
@Command(
    name = "user",
    description = "Mailbox users: they receive mail and log in with their address and password.",
    subcommands = {UserCommand.AddUser.class, UserCommand.ListUsers.class, UserCommand.ShowUser.class,
        UserCommand.Passwd.class, UserCommand.SetQuota.class, UserCommand.Disable.class, UserCommand.Enable.class,
        UserCommand.MakeAdmin.class, UserCommand.RemoveUser.class})
final class UserCommand {

  /** The ADDRESS every user command but list takes. */
  abstract static class OneUser extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the user's address")
    String address;
  }

  @Command(name = "add", description = "Add a user in a local domain and create their Maildir.")
  static final class AddUser extends AdminCommand {
    @Parameters(paramLabel = "ADDRESS", description = "the user's address, also their login name")
    String address;

    @Option(names = "--password", paramLabel = "PW",
        description = "the password, or - to read one line from stdin; left out: asked twice on the terminal")
    String password;

    @Override
    public Integer call() {
      char[] pw = Passwords.read(password, Passwords.terminal());
      Admin.AddedUser added = admin().addUser(address, pw);
      return print("added user " + added.address() + " (mail in " + added.maildir() + ")");
    }
  }

  @Command(name = "list", description = "List the users, one a line.")
  static final class ListUsers extends AdminCommand {
    @Override
    public Integer call() {
      return print(admin().users());
    }
  }

  @Command(name = "passwd", description = "Set a user's password.")
  static final class Passwd extends OneUser {
    @Option(names = "--password", paramLabel = "PW",
        description = "the new password, or - to read one line from stdin; left out: asked twice on the terminal")
    String password;

    @Override
    public Integer call() {
      char[] pw = Passwords.read(password, Passwords.terminal()); // before the config: a missing --password is said first
      return print("changed password of " + admin().setPassword(address, pw));
    }
  }

  @Command(name = "remove", description = "Remove a user; their mail stays on disk until you delete it.")
  static final class RemoveUser extends OneUser {
    @Override
    public Integer call() {
      Admin.RemovedUser r = admin().removeUser(address);
      return print("removed user " + r.address() + r.mailKept().map(home -> " (mail kept in " + home + ")").orElse(""));
    }
  }

  @Command(name = "show", description = "Show a user's quota limits and how much of them the mailboxes use.")
  static final class ShowUser extends OneUser {
    @Override
    public Integer call() {
      return print(lines(admin().quota(address)));
    }
  }

  @Command(
      name = "quota",
      description = "Set a user's storage quota (and with --messages their message limit). SIZE is bytes or"
          + " a size like 500M or 2G; 0 or 'unlimited' for no limit; 'none' to use the default of [store].")
  static final class SetQuota extends OneUser {
    @Parameters(index = "1", paramLabel = "SIZE|none", description = "storage limit: 1G, 500M, 0/unlimited, or none (the default)")
    String size;

    @Option(names = "--messages", paramLabel = "N|none", description = "message-count limit: a number, 0/unlimited, or none (the default)")
    String messages;

    @Override
    public Integer call() {
      OptionalLong bytes = QuotaReport.parseLimit(size, true, "SIZE");
      OptionalLong count = messages == null ? null : QuotaReport.parseLimit(messages, false, "--messages");
      return print(lines(admin().setQuota(address, bytes, count)));
    }
  }

  @Command(name = "disable", description = "Disable a user: no login anywhere (web sessions end too); mail still arrives.")
  static final class Disable extends OneUser {
    @Override
    public Integer call() {
      return print("disabled user " + admin().setDisabled(address, true));
    }
  }

  @Command(name = "enable", description = "Enable a disabled user again.")
  static final class Enable extends OneUser {
    @Override
    public Integer call() {
      return print("enabled user " + admin().setDisabled(address, false));
    }
  }

  @Command(name = "admin", description = "Make a user an administrator of every domain, or with --domain of one;"
      + " --remove takes the role away. The admin console at /admin/ is theirs then.")
  static final class MakeAdmin extends OneUser {
    @Option(names = "--domain", paramLabel = "DOMAIN", description = "administer only this local domain")
    String domain;

    @Option(names = "--remove", description = "take the role away instead")
    boolean remove;

    @Override
    public Integer call() {
      AccountSecurity.Roles r = admin().setAdmin(address, domain, !remove);
      String role = r.admin() ? "administrator of every domain"
          : r.domains().isEmpty() ? "no administrator" : "administrator of " + String.join(", ", new java.util.TreeSet<>(r.domains()));
      return print(Admin.address(address) + " is now " + role);
    }
  }

  private static List<String> lines(QuotaReport q) {
    return List.of(
        "user: " + q.user(),
        "storage: " + q.storage().describe(" bytes"),
        "messages: " + q.messages().describe(""));
  }
}
