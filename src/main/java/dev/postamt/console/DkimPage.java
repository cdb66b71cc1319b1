package dev.postamt.console;

import dev.postamt.admin.Admin;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/dkim}: the DKIM signing keys of the administrator's domains (selector, algorithm and
 * the TXT record to publish; never the private key) and generating a new one ({@link
 * Admin#dkimKeygen}, as {@code postamt dkim keygen}). {@code ?domain=D} shows one domain.
 */
final class DkimPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    String only = c.param("domain").toLowerCase(java.util.Locale.ROOT);
    List<String> domains = c.admin.domains().stream().filter(c.scope::administers)
        .filter(d -> only.isEmpty() || d.equals(only)).toList();
    List<List<String>> rows = new ArrayList<>();
    for (String d : domains) {
      for (Admin.DkimKeyInfo k : c.admin.dkimKeys(d)) {
        rows.add(List.of(ConsolePage.esc(d), ConsolePage.esc(k.selector()), ConsolePage.esc(k.algorithm()),
            "<code>" + ConsolePage.esc(k.dnsName()) + ". IN TXT</code><pre class=\"txt\">" + ConsolePage.esc(k.txt()) + "</pre>"));
      }
    }
    StringBuilder b = new StringBuilder("<h1>DKIM keys</h1>");
    b.append("<p class=\"hint\">Mail from a domain is signed with its newest key. Publish the TXT record before the key is"
        + " used; the <a href=\"/admin/domains\">domain's DNS page</a> says whether it is published.</p>");
    b.append(ConsolePage.table("dkim", List.of("Domain", "Selector", "Algorithm", "DNS record"), rows, "No DKIM keys yet."));
    if (!domains.isEmpty()) {
      b.append("<h2>Generate a key</h2>").append(c.formStart("dkim/generate", "add", "view", ""))
          .append("<label for=\"domain\">Domain</label><select id=\"domain\" name=\"domain\">");
      for (String d : domains) {
        b.append("<option").append(d.equals(c.param("domain")) ? " selected" : "").append('>').append(ConsolePage.esc(d))
            .append("</option>");
      }
      b.append("</select>").append(c.fieldError("domain"))
          .append(c.input("selector", "Selector", "text", c.param("selector"), "letters, digits, - and .; empty for postamt-YYYYMM-ALGORITHM"))
          .append("<label for=\"algorithm\">Algorithm</label><select id=\"algorithm\" name=\"algorithm\">"
              + "<option value=\"rsa\">RSA 2048</option><option value=\"ed25519\">Ed25519</option></select>")
          .append("<button type=\"submit\" id=\"generate\">Generate key</button></form>");
    }
    c.show("DKIM keys", "dkim", b.toString());
  }

  @Override
  public void post(ConsolePage c, String action) throws Exception {
    if (!action.equals("generate")) {
      throw ConsoleException.notFound("There is no such action.");
    }
    String domain = c.form().get("domain");
    if (!c.scope.administers(domain)) {
      throw ConsoleException.notFound("There is no domain " + domain + " among the domains you administer.");
    }
    String selector = c.form().get("selector");
    String algorithm = c.form().get("algorithm").isEmpty() ? "rsa" : c.form().get("algorithm");
    c.field = "selector";
    Admin.DkimKey k = c.admin.dkimKeygen(domain, selector.isEmpty() ? null : selector, algorithm);
    c.done("Generated a key for " + k.domain() + ". Publish: " + k.zoneLine().replaceAll("\\s+", " "),
        "/admin/dkim?domain=" + ConsolePage.url(k.domain()));
  }
}
