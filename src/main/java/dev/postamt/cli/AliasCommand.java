package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt alias add|list|remove}: addresses that forward to other addresses (Postfix
 * {@code virtual_alias_maps}). {@code @domain} as ADDRESS is the domain's catch-all.
 */
@Command(
    name = "alias",
    description = "Aliases: an address in a local domain that forwards to local users, remote addresses or both.",
    subcommands = {AliasCommand.AddAlias.class, AliasCommand.ListAliases.class, AliasCommand.RemoveAlias.class})
final class AliasCommand {

  @Command(
      name = "add",
      description = "Add targets to an alias (creating it); @domain is the catch-all for unknown addresses.")
  static final class AddAlias extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain for a catch-all")
    String address;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET", description = "addresses the mail goes to")
    List<String> targets;

    @Override
    public Integer call() {
      return print("alias " + line(admin().addAlias(address, targets)));
    }
  }

  @Command(name = "list", description = "List aliases, one a line: ADDRESS -> TARGET, TARGET…")
  static final class ListAliases extends AdminCommand {
    @Override
    public Integer call() {
      return print(admin().aliases().stream().map(AliasCommand::line).toList());
    }
  }

  @Command(name = "remove", description = "Remove an alias, or only the given targets of it.")
  static final class RemoveAlias extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain")
    String address;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TARGET", description = "remove only these targets")
    List<String> targets;

    @Override
    public Integer call() {
      Admin.Alias left = admin().removeAlias(address, targets);
      return print(left.targets().isEmpty() ? "removed alias " + left.address() : "alias " + line(left));
    }
  }

  /** {@code ADDRESS -> TARGET, TARGET…} */
  private static String line(Admin.Alias a) {
    return a.address() + " -> " + String.join(", ", a.targets());
  }
}
