package dev.postamt.cli;

import dev.postamt.admin.SpamListsAdmin;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt spam lists show|add|remove}: the white- and blacklists of the spam scan, global or for
 * one user; the logic is {@link SpamListsAdmin}.
 */
@Command(
    name = "lists",
    description = "Show and change the spam white- and blacklists (whitelist_from, whitelist_to, blacklist_from,"
        + " all_spam_to, more_spam_to).",
    subcommands = {SpamListsCommand.Show.class, SpamListsCommand.Add.class, SpamListsCommand.Remove.class})
final class SpamListsCommand {

  /** {@code --user ADDRESS}: one user's lists instead of the global ones. */
  abstract static class ForUser extends AdminCommand {
    @Option(names = "--user", paramLabel = "ADDRESS", description = "a user's own lists (default: the global lists)")
    String user;
  }

  /** KIND PATTERN of add and remove. */
  abstract static class OneEntry extends ForUser {
    @Parameters(index = "0", paramLabel = "KIND",
        description = "whitelist_from, whitelist_to, blacklist_from, all_spam_to or more_spam_to")
    String kind;

    @Parameters(index = "1", paramLabel = "PATTERN", description = "address pattern, e.g. *@example.org or user@*.example.org")
    String pattern;

    String whom(SpamListsAdmin.Line l) {
      return l.user().isEmpty() ? "everyone" : l.user();
    }
  }

  @Command(name = "show", description = "Show the global lists (config file and added ones), and a user's with --user.")
  static final class Show extends ForUser {
    @Override
    public Integer call() {
      SpamListsAdmin.Listing l = new SpamListsAdmin(admin().config()).show(user);
      PrintWriter out = out();
      if (l.lines().isEmpty()) {
        out.println("No list entries");
      }
      for (SpamListsAdmin.Line line : l.lines()) {
        String source = line.fromConfig() ? "config" : line.user().isEmpty() ? "global" : line.user();
        out.printf(Locale.ROOT, "%-15s %-40s (%s)%n", line.kind(), line.pattern(), source);
      }
      if (!l.lines().isEmpty()) {
        out.printf(Locale.ROOT, "-- %d entr%s%n", l.lines().size(), l.lines().size() == 1 ? "y" : "ies");
      }
      if (l.remembered() >= 0) {
        out.printf(Locale.ROOT, "-- %s has written to %d address%s (whitelisted when their mail is authenticated)%n",
            user.strip().toLowerCase(Locale.ROOT), l.remembered(), l.remembered() == 1 ? "" : "es");
      }
      return 0;
    }
  }

  @Command(name = "add", description = "Add an entry to the global lists, or to a user's with --user.")
  static final class Add extends OneEntry {
    @Override
    public Integer call() {
      SpamListsAdmin.Change c = new SpamListsAdmin(admin().config()).add(user, kind, pattern);
      SpamListsAdmin.Line l = c.line();
      return print(c.changed() ? "Added " + l.kind() + " " + l.pattern() + " for " + whom(l)
          : l.kind() + " " + l.pattern() + " is already there for " + whom(l));
    }
  }

  @Command(name = "remove", description = "Remove an entry from the global lists, or from a user's with --user.")
  static final class Remove extends OneEntry {
    @Override
    public Integer call() {
      SpamListsAdmin.Line l = new SpamListsAdmin(admin().config()).remove(user, kind, pattern).line();
      return print("Removed " + l.kind() + " " + l.pattern() + " for " + whom(l));
    }
  }
}
