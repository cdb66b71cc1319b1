package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
  static final class AddAlias implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain for a catch-all")
    String address;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET", description = "addresses the mail goes to")
    List<String> targets;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        dir.addAlias(address, targets);
        String key = aliasKey(address);
        spec.commandLine().getOut().println("alias " + key + " -> " + String.join(", ", dir.exactAliasTargets(key)));
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      description = "List aliases, one a line: ADDRESS -> TARGET, TARGET…")
  static final class ListAliases implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        for (Map.Entry<String, List<String>> e : dir.aliases().entrySet()) {
          spec.commandLine().getOut().println(e.getKey() + " -> " + String.join(", ", e.getValue()));
        }
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "remove",
      description = "Remove an alias, or only the given targets of it.")
  static final class RemoveAlias implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "alias address, or @domain")
    String address;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TARGET", description = "remove only these targets")
    List<String> targets;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        String key = aliasKey(address);
        if (targets == null || targets.isEmpty()) {
          dir.removeAlias(address);
          spec.commandLine().getOut().println("removed alias " + key);
        } else {
          dir.removeAliasTargets(address, targets);
          List<String> left = dir.exactAliasTargets(key);
          spec.commandLine().getOut().println(
              left.isEmpty() ? "removed alias " + key : "alias " + key + " -> " + String.join(", ", left));
        }
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  private static String aliasKey(String address) {
    String a = address.trim();
    return a.startsWith("@") ? "@" + DirectoryAccess.domain(a.substring(1)) : DirectoryAccess.address(a);
  }
}
