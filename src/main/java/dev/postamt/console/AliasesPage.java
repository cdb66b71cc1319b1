package dev.postamt.console;

import dev.postamt.admin.Admin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /admin/aliases}: the aliases of the administrator's domains ({@code @domain} is a domain's
 * catch-all) with their targets; adding targets (creating the alias), removing one target or the whole
 * alias. Targets may be local users, remote addresses or several (a list).
 */
final class AliasesPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    List<List<String>> rows = new ArrayList<>();
    for (Admin.Alias a : c.admin.aliases()) {
      if (!c.scope.sees(a.address())) {
        continue;
      }
      StringBuilder targets = new StringBuilder();
      for (String t : a.targets()) {
        targets.append("<div>").append(ConsolePage.esc(t));
        if (a.targets().size() > 1) {
          targets.append(' ').append(c.button("aliases/remove", "remove", "secondary", "address", a.address(), "target", t));
        }
        targets.append("</div>");
      }
      rows.add(List.of(ConsolePage.esc(a.address()), targets.toString(),
          c.button("aliases/remove", "Remove alias", "danger", "address", a.address())));
    }
    StringBuilder b = new StringBuilder("<h1>Aliases</h1>");
    b.append(ConsolePage.table("aliases", List.of("Alias", "Targets", ""), rows, "No aliases yet."));
    b.append("<h2>Add an alias, or targets to one</h2>").append(c.formStart("aliases/add", "add", "view", ""))
        .append(c.input("address", "Alias", "text", c.param("address"), "an address in a domain you administer, or @domain for a catch-all"))
        .append(c.input("targets", "Targets", "text", c.param("targets"), "addresses, separated by commas or spaces"))
        .append("<button type=\"submit\" id=\"add-alias\">Add</button></form>");
    c.show("Aliases", "aliases", b.toString());
  }

  @Override
  public void post(ConsolePage c, String action) {
    String address = c.form().get("address");
    c.field = "address";
    if (address.isEmpty()) {
      throw ConsoleException.invalid("address", "Enter the alias address.");
    }
    if (!c.scope.sees(address)) {
      if (action.equals("add")) {
        throw ConsoleException.invalid("address", "The alias must be in a domain you administer.");
      }
      c.requireSees(address, "alias");
    }
    c.requireManageable(address); // an alias on an administrator's address would take their mail
    switch (action) {
      case "add" -> {
        List<String> targets = Arrays.stream(c.form().get("targets").split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
        if (targets.isEmpty()) {
          throw ConsoleException.invalid("targets", "Enter at least one target address.");
        }
        c.field = "targets";
        Admin.Alias a = c.admin.addAlias(address, targets);
        c.done("Alias " + a.address() + " goes to " + String.join(", ", a.targets()) + ".", "/admin/aliases");
      }
      case "remove" -> {
        String target = c.form().get("target");
        Admin.Alias left = c.admin.removeAlias(address, target.isEmpty() ? null : List.of(target));
        c.done(left.targets().isEmpty() ? "Removed alias " + left.address() + "."
            : "Removed " + target + " from " + left.address() + ".", "/admin/aliases");
      }
      default -> throw ConsoleException.notFound("There is no such action.");
    }
  }
}
