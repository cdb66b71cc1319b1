package dev.postamt.console;

import dev.postamt.admin.Admin;
import dev.postamt.admin.QuotaReport;
import dev.postamt.directory.AccountSecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * {@code /admin/users}: the users of the administrator's domains with their quota and usage ({@link
 * QuotaReport}), creating one, and per user ({@code /admin/users/show?address=A}) the password reset,
 * quota, disable/enable, removal and, for global administrators only, the administrator role. Every
 * POST names the user in a form field and is checked against the {@link Scope} again.
 */
final class UsersPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    switch (view) {
      case "" -> list(c);
      case "show" -> show(c, c.param("address"));
      default -> throw ConsoleException.notFound("There is no such page in the admin console.");
    }
  }

  private void list(ConsolePage c) {
    String domain = c.param("domain").toLowerCase(java.util.Locale.ROOT);
    List<List<String>> rows = new ArrayList<>();
    for (Admin.Account u : c.admin.accounts()) {
      if (!c.scope.sees(u.address()) || (!domain.isEmpty() && !Scope.domainOf(u.address()).equals(domain))) {
        continue;
      }
      QuotaReport q = c.admin.quota(u.address());
      rows.add(List.of(ConsolePage.link(showUrl(u.address()), u.address()), quota(q.storage(), true),
          quota(q.messages(), false), u.disabled() ? ConsolePage.badge("disabled", false) : "active", ConsolePage.esc(role(u.roles()))));
    }
    StringBuilder b = new StringBuilder("<h1>Users").append(domain.isEmpty() ? "" : " of " + ConsolePage.esc(domain))
        .append("</h1>");
    b.append(ConsolePage.table("users", List.of("Address", "Storage", "Messages", "Status", "Role"), rows, "No users yet."));
    b.append("<h2>Create a user</h2>").append(c.formStart("users/add", "add", "view", ""))
        .append(c.input("address", "Address", "email", c.param("address"), "in a local domain you administer; also the login name"))
        .append(c.input("password", "Password", "password", "", null))
        .append("<button type=\"submit\" id=\"add-user\">Create user</button></form>");
    c.show("Users", "users", b.toString());
  }

  static String showUrl(String address) {
    return "/admin/users/show?address=" + ConsolePage.url(address);
  }

  private static String quota(QuotaReport.Limit l, boolean bytes) {
    String used = bytes ? ConsolePage.size(l.used()) : Long.toString(l.used());
    String limit = l.limit() == 0 ? "unlimited" : bytes ? ConsolePage.size(l.limit()) : Long.toString(l.limit());
    String pct = l.limit() == 0 ? "" : " (" + (l.used() * 100 / l.limit()) + "%)";
    return ConsolePage.esc(used + " of " + limit + pct) + (l.own() ? "" : " <small>default</small>");
  }

  private static String role(AccountSecurity.Roles r) {
    if (r.admin()) {
      return "administrator";
    }
    return r.domains().isEmpty() ? "" : "admin of " + String.join(", ", new TreeSet<>(r.domains()));
  }

  private void show(ConsolePage c, String address) {
    c.requireSees(address, "user");
    Admin.Account u;
    QuotaReport q;
    try {
      u = c.admin.account(address);
      q = c.admin.quota(address);
    } catch (dev.postamt.admin.AdminException e) {
      throw ConsoleException.notFound(e.getMessage());
    }
    String a = u.address();
    StringBuilder b = new StringBuilder("<h1>User ").append(ConsolePage.esc(a)).append("</h1>");
    b.append("<table id=\"user\"><tbody><tr><th>Storage</th><td id=\"user-storage\">").append(quota(q.storage(), true))
        .append("</td></tr><tr><th>Messages</th><td>").append(quota(q.messages(), false))
        .append("</td></tr><tr><th>Status</th><td id=\"user-status\">").append(u.disabled() ? "disabled" : "active")
        .append("</td></tr><tr><th>Role</th><td id=\"user-role\">").append(ConsolePage.esc(role(u.roles()).isEmpty() ? "user" : role(u.roles())))
        .append("</td></tr></tbody></table>");

    boolean mightier = !c.scope.global() && (u.roles().admin() || !c.p.roles().domains().containsAll(u.roles().domains()));
    if (mightier) {
      b.append("<p class=\"notice\">").append(ConsolePage.esc(a))
          .append(" administers more than you do: only an administrator of every domain may change this account.</p>");
      c.show("User " + a, "users", b.toString());
      return;
    }
    b.append("<h2>Quota</h2>").append(c.formStart("users/quota", null, "address", a, "view", "show"))
        .append(c.input("storage", "Storage limit", "text", c.param("storage").isEmpty() ? limitText(q.storage(), true) : c.param("storage"),
            "a size like 500M or 2G; 0 or unlimited; empty for the default of [store]"))
        .append(c.input("messages", "Message limit", "text", c.param("messages").isEmpty() ? limitText(q.messages(), false) : c.param("messages"),
            "a number; 0 or unlimited; empty for the default"))
        .append("<button type=\"submit\" id=\"set-quota\">Set quota</button></form>");

    b.append("<h2>Password</h2>").append(c.formStart("users/password", null, "address", a, "view", "show"))
        .append(c.input("password", "New password", "password", "", "the user's sessions elsewhere stay; app passwords stay"))
        .append("<button type=\"submit\" id=\"set-password\">Reset password</button></form>");

    b.append("<h2>Access</h2><p>");
    b.append(u.disabled() ? c.button("users/enable", "Enable", null, "address", a, "view", "show")
        : c.button("users/disable", "Disable (no login; mail still arrives)", "secondary", "address", a, "view", "show"));
    b.append("</p>");
    if (c.scope.global()) {
      b.append("<h2>Administrator role</h2><p>");
      if (!u.roles().admin()) {
        b.append(c.button("users/admin", "Make administrator of every domain", "secondary", "address", a, "role", "global",
            "view", "show"));
      } else {
        b.append(c.button("users/admin", "Take the administrator role away", "secondary", "address", a, "role", "none",
            "view", "show"));
      }
      String d = Scope.domainOf(a);
      if (!u.roles().domains().contains(d)) {
        b.append(' ').append(c.button("users/admin", "Make administrator of " + d, "secondary", "address", a, "role", "domain",
            "domain", d, "view", "show"));
      }
      for (String other : new TreeSet<>(u.roles().domains())) {
        b.append(' ').append(c.button("users/admin", "Remove as administrator of " + other, "secondary", "address", a, "role",
            "undomain", "domain", other, "view", "show"));
      }
      b.append("</p>");
    }
    b.append("<h2>Remove</h2><p>").append(c.button("users/remove", "Remove user", "danger", "address", a, "view", "show"))
        .append(" <small>Their mail stays on disk until someone deletes it.</small></p>");
    c.show("User " + a, "users", b.toString());
  }

  private static String limitText(QuotaReport.Limit l, boolean bytes) {
    if (!l.own()) {
      return "";
    }
    if (l.limit() == 0) {
      return "unlimited";
    }
    return bytes && l.limit() % (1L << 20) == 0 ? (l.limit() >> 20) + "M" : Long.toString(l.limit());
  }

  @Override
  public void post(ConsolePage c, String action) {
    String address = c.form().get("address");
    c.field = "address";
    if (address.isEmpty()) {
      throw ConsoleException.invalid("address", "Enter an address.");
    }
    if (action.equals("admin")) {
      c.requireGlobal();
    }
    if (!action.equals("add")) {
      c.requireSees(address, "user");
      c.requireManageable(address);
      boolean self = Admin.address(address).equals(c.p.address());
      if (self && (action.equals("disable") || action.equals("remove") || action.equals("admin"))) {
        throw ConsoleException.invalid("address", "You cannot lock yourself out: another administrator, or"
            + " 'postamt user …' on the server, can do this to your own account.");
      }
    } else if (!c.scope.sees(address)) {
      throw ConsoleException.invalid("address", "The address must be in a domain you administer.");
    }
    switch (action) {
      case "add" -> {
        char[] pw = password(c);
        Admin.AddedUser added = c.admin.addUser(address, pw);
        c.done("Created user " + added.address() + ".", showUrl(added.address()));
      }
      case "password" -> {
        char[] pw = password(c);
        c.done("Changed the password of " + c.admin.setPassword(address, pw) + ".", showUrl(address));
      }
      case "quota" -> {
        c.field = "storage";
        OptionalLong bytes = limit(c.form().get("storage"), true, "storage");
        c.field = "messages";
        OptionalLong count = limit(c.form().get("messages"), false, "messages");
        QuotaReport q = c.admin.setQuota(address, bytes, count);
        c.done("Quota of " + q.user() + ": storage " + q.storage().describe(" bytes") + ", messages " + q.messages().describe("")
            + ".", showUrl(q.user()));
      }
      case "disable" -> c.done("Disabled " + c.admin.setDisabled(address, true) + ": no login until enabled again.", showUrl(address));
      case "enable" -> c.done("Enabled " + c.admin.setDisabled(address, false) + ".", showUrl(address));
      case "admin" -> role(c, address);
      case "remove" -> {
        Admin.RemovedUser r = c.admin.removeUser(address);
        c.done("Removed user " + r.address() + r.mailKept().map(h -> "; their mail stays in " + h).orElse("") + ".", "/admin/users");
      }
      default -> throw ConsoleException.notFound("There is no such action.");
    }
  }

  private static void role(ConsolePage c, String address) {
    c.requireGlobal();
    String domain = c.form().get("domain");
    AccountSecurity.Roles r = switch (c.form().get("role")) {
      case "global" -> c.admin.setAdmin(address, null, true);
      case "none" -> c.admin.setAdmin(address, null, false);
      case "domain" -> c.admin.setAdmin(address, domain, true);
      case "undomain" -> c.admin.setAdmin(address, domain, false);
      default -> throw ConsoleException.invalid("role", "Choose a role.");
    };
    String now = role(r);
    c.done(Admin.address(address) + " is now " + (now.isEmpty() ? "no administrator" : now) + ".",
        showUrl(address));
  }

  private static char[] password(ConsolePage c) {
    c.field = "password";
    String pw = c.form().raw("password");
    if (pw.isEmpty()) {
      throw ConsoleException.invalid("password", "Enter a password.");
    }
    return pw.toCharArray();
  }

  private static OptionalLong limit(String value, boolean size, String field) {
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return QuotaReport.parseLimit(value, size, size ? "the storage limit" : "the message limit");
    } catch (dev.postamt.admin.AdminException e) {
      throw ConsoleException.invalid(field, e.getMessage());
    }
  }
}
