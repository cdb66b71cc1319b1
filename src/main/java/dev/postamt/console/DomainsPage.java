package dev.postamt.console;

import dev.postamt.admin.Admin;
import dev.postamt.admin.DomainDns;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/domains}: the local domains the administrator may see, adding and removing them
 * (global administrators only), and per domain ({@code /admin/domains/show?name=D}) the DNS records
 * it needs with whether each is published ({@link Admin#domainDns}, the same table as {@code postamt
 * domain dns}).
 */
final class DomainsPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    switch (view) {
      case "" -> list(c);
      case "show" -> show(c, c.param("name"));
      default -> throw ConsoleException.notFound("There is no such page in the admin console.");
    }
  }

  private void list(ConsolePage c) {
    Admin a = c.admin;
    List<Admin.Account> accounts = a.accounts();
    List<Admin.Alias> aliases = a.aliases();
    List<List<String>> rows = new ArrayList<>();
    for (String d : a.domains()) {
      if (!c.scope.administers(d)) {
        continue;
      }
      long users = accounts.stream().filter(u -> Scope.domainOf(u.address()).equals(d)).count();
      long al = aliases.stream().filter(x -> Scope.domainOf(x.address()).equals(d)).count();
      String actions = ConsolePage.link("/admin/domains/show?name=" + ConsolePage.url(d), "DNS records") + " "
          + ConsolePage.link("/admin/users?domain=" + ConsolePage.url(d), "users");
      if (c.scope.global()) {
        actions += " " + c.button("domains/remove", "Remove", "danger", "name", d);
      }
      rows.add(List.of(ConsolePage.link("/admin/domains/show?name=" + ConsolePage.url(d), d), Long.toString(users),
          Long.toString(al), actions));
    }
    StringBuilder b = new StringBuilder("<h1>Domains</h1>");
    b.append(ConsolePage.table("domains", List.of("Domain", "Users", "Aliases", ""), rows, "No local domain yet."));
    if (c.scope.global()) {
      b.append("<h2>Add a domain</h2>").append(c.formStart("domains/add", "add", "view", ""))
          .append(c.input("name", "Domain name", "text", c.param("name"), "e.g. example.org; mail for it is delivered here"))
          .append("<label><input type=\"checkbox\" name=\"force\" value=\"1\"> also a single-label name (like localdomain)</label>")
          .append("<button type=\"submit\" id=\"add-domain\">Add domain</button></form>")
          .append("<p class=\"hint\">A domain can be removed once it has no users or aliases left.</p>");
    }
    c.show("Domains", "domains", b.toString());
  }

  private void show(ConsolePage c, String name) {
    String d = name.toLowerCase(java.util.Locale.ROOT);
    if (!c.scope.administers(d) || !c.admin.isLocalDomain(d)) {
      throw ConsoleException.notFound("There is no domain " + name + " among the domains you administer.");
    }
    List<List<String>> rows = new ArrayList<>();
    for (DomainDns.Record r : c.admin.domainDns(d)) {
      String status = ConsolePage.badge(r.status() == DomainDns.Status.PUBLISHED ? "yes" : r.status().word(),
          r.status() == DomainDns.Status.PUBLISHED);
      String found = r.found().isEmpty() || r.status() == DomainDns.Status.PUBLISHED ? ""
          : "<br><small>found: " + ConsolePage.esc(r.found()) + "</small>";
      rows.add(List.of(ConsolePage.esc(r.type()), "<code>" + ConsolePage.esc(r.name()) + ".</code>",
          "<code class=\"wrap\">" + ConsolePage.esc(r.value()) + "</code>" + found,
          ConsolePage.esc(r.purpose()) + (r.optional() ? " <small>(optional)</small>" : ""), status));
    }
    String body = "<h1>Domain " + ConsolePage.esc(d) + "</h1><h2>DNS records</h2>"
        + "<p class=\"hint\">What to publish in the zone of " + ConsolePage.esc(d) + ", and whether this server's resolver"
        + " finds it now (<code>postamt domain dns " + ConsolePage.esc(d) + "</code> prints the same).</p>"
        + ConsolePage.table("dns", List.of("Type", "Name", "Value", "For", "Published"), rows, "")
        + "<p>" + ConsolePage.link("/admin/dkim?domain=" + ConsolePage.url(d), "DKIM keys of " + d) + " · "
        + ConsolePage.link("/admin/users?domain=" + ConsolePage.url(d), "users of " + d) + "</p>";
    c.show("Domain " + d, "domains", body);
  }

  @Override
  public void post(ConsolePage c, String action) {
    c.requireGlobal();
    String name = c.form().get("name");
    c.field = "name";
    switch (action) {
      case "add" -> {
        if (name.isEmpty()) {
          throw ConsoleException.invalid("name", "Enter a domain name.");
        }
        String d = c.admin.addDomain(name, c.form().has("force"));
        c.done("Added domain " + d + ". Publish its DNS records below.", "/admin/domains/show?name=" + ConsolePage.url(d));
      }
      case "remove" -> c.done("Removed domain " + c.admin.removeDomain(name) + ".", "/admin/domains");
      default -> throw ConsoleException.notFound("There is no such action.");
    }
  }
}
