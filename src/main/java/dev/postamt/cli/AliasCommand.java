package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt alias add|list|remove}: addresses that forward to other addresses (Postfix
 * {@code virtual_alias_maps}). {@code @domain} as ADDRESS is the domain's catch-all.
 */
@Command(
    name = "alias",
    subcommands = MaskCommand.class,
    description = "Aliases: an address in a local domain that forwards to local users, remote addresses or both.")
final class AliasCommand extends AdminGroup {

  @Command(
      name = "add",
      description = "Add targets to an alias (creating it); @domain is the catch-all for unknown addresses.")
  Integer add(
      @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain for a catch-all") String address,
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET", description = "addresses the mail goes to") List<String> targets,
      @Mixin ConfigOption config) {
    return print("alias " + line(admin(config).addAlias(address, targets)));
  }

  @Command(name = "list", description = "List aliases, one a line: ADDRESS -> TARGET, TARGET…")
  Integer list(@Mixin ConfigOption config) {
    return print(admin(config).aliases().stream().map(AliasCommand::line).toList());
  }

  @Command(name = "remove", description = "Remove an alias, or only the given targets of it.")
  Integer remove(
      @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain") String address,
      @Parameters(index = "1..*", arity = "0..*", paramLabel = "TARGET", description = "remove only these targets") List<String> targets,
      @Mixin ConfigOption config) {
    Admin.Alias left = admin(config).removeAlias(address, targets);
    return print(left.targets().isEmpty() ? "removed alias " + left.address() : "alias " + line(left));
  }

  /** {@code ADDRESS -> TARGET, TARGET…} */
  private static String line(Admin.Alias a) {
    return a.address() + " -> " + String.join(", ", a.targets());
  }
}
