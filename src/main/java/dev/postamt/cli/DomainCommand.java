package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code postamt domain add|list|remove}: the local domains (Postfix {@code virtual_mailbox_domains}). */
@Command(
    name = "domain",
    description = "Local domains: mail for them is delivered here.",
    subcommands = {DomainCommand.AddDomain.class, DomainCommand.ListDomains.class, DomainCommand.RemoveDomain.class})
final class DomainCommand {

  @Command(
      name = "add",
      description = "Add a local domain.")
  static final class AddDomain implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "domain name, e.g. example.org")
    String name;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        dir.addDomain(name);
        spec.commandLine().getOut().println("added domain " + DirectoryAccess.domain(name));
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      description = "List the local domains, one a line.")
  static final class ListDomains implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        for (String d : dir.domains()) {
          spec.commandLine().getOut().println(d);
        }
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(
      name = "remove",
      description = "Remove a local domain that has no users or aliases left.")
  static final class RemoveDomain implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "domain name")
    String name;

    @Override
    public Integer call() {
      try (Directory dir = DirectoryAccess.open(config)) {
        dir.removeDomain(name);
        spec.commandLine().getOut().println("removed domain " + DirectoryAccess.domain(name));
        return 0;
      } catch (DirectoryException e) {
        throw new CliException(e.getMessage());
      }
    }
  }
}
