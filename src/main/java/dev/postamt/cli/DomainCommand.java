package dev.postamt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postamt domain add|list|dns|remove}: the local domains (Postfix {@code virtual_mailbox_domains}). */
@Command(name = "domain", description = "Local domains: mail for them is delivered here.")
final class DomainCommand extends AdminGroup {

  @Command(name = "add", description = "Add a local domain.")
  Integer add(
      @Parameters(paramLabel = "NAME", description = "domain name, e.g. example.org") String name,
      @Option(names = "--force", description = "also a single-label name such as localdomain") boolean force,
      @Mixin ConfigOption config) {
    return print("added domain " + admin(config).addDomain(name, force));
  }

  @Command(name = "list", description = "List the local domains, one a line.")
  Integer list(@Mixin ConfigOption config) {
    return print(admin(config).domains());
  }

  @Command(name = "dns", description = "Every DNS record the domain needs, and whether it is published"
      + " (asked of the configured resolver).")
  Integer dns(@Parameters(paramLabel = "NAME", description = "a local domain") String name, @Mixin ConfigOption config) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (dev.postamt.admin.DomainDns.Record r : admin(config).domainDns(name)) {
      lines.add(String.format(java.util.Locale.ROOT, "%-10s %-7s %s. %s%s", r.status().word(), r.type(), r.name(), r.value(),
          r.optional() ? "  (optional)" : ""));
      if (!r.found().isEmpty() && r.status() != dev.postamt.admin.DomainDns.Status.PUBLISHED) {
        lines.add("           found: " + r.found());
      }
    }
    return print(lines);
  }

  @Command(name = "remove", description = "Remove a local domain that has no users or aliases left.")
  Integer remove(@Parameters(paramLabel = "NAME", description = "domain name") String name, @Mixin ConfigOption config) {
    return print("removed domain " + admin(config).removeDomain(name));
  }
}
