package dev.postamt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code postamt domain add|list|remove}: the local domains (Postfix {@code virtual_mailbox_domains}). */
@Command(
    name = "domain",
    description = "Local domains: mail for them is delivered here.",
    subcommands = {DomainCommand.AddDomain.class, DomainCommand.ListDomains.class, DomainCommand.RemoveDomain.class})
final class DomainCommand {

  @Command(name = "add", description = "Add a local domain.")
  static final class AddDomain extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "domain name, e.g. example.org")
    String name;

    @Override
    public Integer call() {
      return print("added domain " + admin().addDomain(name));
    }
  }

  @Command(name = "list", description = "List the local domains, one a line.")
  static final class ListDomains extends AdminCommand {
    @Override
    public Integer call() {
      return print(admin().domains());
    }
  }

  @Command(name = "remove", description = "Remove a local domain that has no users or aliases left.")
  static final class RemoveDomain extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "domain name")
    String name;

    @Override
    public Integer call() {
      return print("removed domain " + admin().removeDomain(name));
    }
  }
}
