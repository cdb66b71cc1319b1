package dev.postamt.account;

import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /account/filters}: the rule builder. The rules live in one Sieve script named {@value
 * FilterRules#SCRIPT_NAME} that the builder writes ({@link FilterRules#write}), compiles, stores and
 * activates on every change, and reads back ({@link FilterRules#read}) to list them. When the active
 * script is another one, or the builder's script was edited by hand, the page says so and sends the
 * user to the raw editor rather than overwrite what it cannot read.
 */
final class FiltersPage {
  private final SieveScripts scripts;
  private final SieveEditorPage editor;

  FiltersPage(SieveScripts scripts, SieveEditorPage editor) {
    this.scripts = scripts;
    this.editor = editor;
  }

  /** The builder's rules, or empty when the user's filters are not the builder's to show. */
  private Optional<List<FilterRules.Rule>> rules(String user) throws SieveStoreException {
    Optional<SieveScripts.Script> active = scripts.active(user);
    if (active.isPresent() && !active.get().name().equals(FilterRules.SCRIPT_NAME)) {
      return Optional.empty();
    }
    Optional<SieveScripts.Script> own = active.isPresent() ? active : scripts.get(user, FilterRules.SCRIPT_NAME);
    return own.isEmpty() ? Optional.of(List.of()) : FilterRules.read(own.get().text());
  }

  void handle(Exchange x, Principal p, String rest) throws IOException, SieveStoreException {
    String user = p.address();
    if (!x.method().equals("POST")) {
      if (!rest.equals("filters")) {
        x.redirect("/account/filters");
        return;
      }
      x.html(200, render(p, rules(user), Map.of(), Map.of(), null, null));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    Optional<List<FilterRules.Rule>> current = rules(user);
    if (current.isEmpty()) {
      x.html(409, render(p, current, Map.of(), Map.of(), null,
          "Your filters were written outside the rule builder; change them in the Sieve editor."));
      return;
    }
    List<FilterRules.Rule> rules = new ArrayList<>(current.get());
    Map<String, String> in = Map.of("field", f.get().get("field"), "match", f.get().get("match"), "text",
        f.get().raw("text"), "action", f.get().get("action"), "argument", f.get().get("argument"));
    String ok;
    switch (rest) {
      case "filters/add" -> {
        FilterRules.Parsed parsed = FilterRules.parse(in.get("field"), in.get("match"), in.get("text"), in.get("action"),
            in.get("argument"));
        if (parsed instanceof FilterRules.Invalid bad) {
          x.html(400, render(p, current, in, Map.of(bad.field(), bad.message()), null, "The rule was not added."));
          return;
        }
        if (rules.size() >= FilterRules.MAX_RULES) {
          x.html(400, render(p, current, in, Map.of(), null, "You have " + FilterRules.MAX_RULES
              + " rules already; remove one first."));
          return;
        }
        FilterRules.Rule rule = ((FilterRules.Valid) parsed).rule();
        rules.add(rule);
        ok = "Added: " + rule.describe() + ".";
      }
      case "filters/remove" -> {
        int i;
        try {
          i = Integer.parseInt(f.get().get("index"));
        } catch (NumberFormatException e) {
          i = -1;
        }
        if (i < 0 || i >= rules.size()) {
          x.html(404, render(p, current, Map.of(), Map.of(), null, "There is no such rule (the list changed?)."));
          return;
        }
        ok = "Removed: " + rules.remove(i).describe() + ".";
      }
      default -> {
        x.errorPage(404, "There is no such page.");
        return;
      }
    }
    String script = FilterRules.write(rules);
    SieveEditorPage.Check check = editor.compile(user, FilterRules.SCRIPT_NAME, script);
    if (!check.errors().isEmpty()) {
      // cannot happen for what the builder writes; never store a script delivery cannot run
      throw new IllegalStateException("the rule builder wrote a script that does not compile: " + check.errors());
    }
    try {
      scripts.put(user, FilterRules.SCRIPT_NAME, script);
      scripts.activate(user, FilterRules.SCRIPT_NAME);
    } catch (SieveStoreException e) {
      if (e.kind() == SieveStoreException.Kind.STORAGE) {
        throw e;
      }
      x.html(400, render(p, current, in, Map.of(), null, e.getMessage()));
      return;
    }
    x.html(200, render(p, Optional.of(rules), Map.of(), Map.of(), ok, null));
  }

  private static String render(Principal p, Optional<List<FilterRules.Rule>> rules, Map<String, String> in,
      Map<String, String> errors, String ok, String error) {
    StringBuilder b = new StringBuilder("<h1>Filters</h1>").append(Html.notice("ok", ok)).append(Html.notice("error", error));
    if (rules.isEmpty()) {
      b.append("<p id=\"filters-foreign\">Your active filter script was written by hand or by another program, so the"
          + " rule builder cannot show it. <a href=\"/account/filters/raw\" id=\"open-raw\">Open it in the Sieve"
          + " editor</a>; there you can also turn it off, and the rule builder takes over with the next rule you add.</p>");
      return AccountLayout.page("Filters", p, "filters", b.toString());
    }
    b.append("<p class=\"hint\">Rules run in order on every message that arrives. Text is compared without regard to"
        + " upper and lower case; \u201cis\u201d compares the whole subject, or for From and To the address alone (the name"
        + " before it does not count). A message no rule moves or deletes goes to your"
        + " inbox. For more, use the <a href=\"/account/filters/raw\" id=\"open-raw\">Sieve editor</a>.</p>");
    b.append("<h2>Your rules</h2>");
    if (rules.get().isEmpty()) {
      b.append("<p id=\"rules-empty\">You have no rules yet.</p>");
    } else {
      b.append("<ol id=\"rules\" class=\"rules\">");
      for (int i = 0; i < rules.get().size(); i++) {
        b.append("<li><span class=\"rule\">").append(Html.esc(rules.get().get(i).describe())).append("</span> ")
            .append(AccountLayout.button(p, "/account/filters/remove", "index", Integer.toString(i), "Remove",
                "secondary", "remove-rule-" + i))
            .append("</li>");
      }
      b.append("</ol>");
    }
    b.append("<h2>Add a rule</h2>");
    String fields = "<div class=\"row\">"
        + AccountLayout.field("When", select("field", in.get("field"), FilterRules.Field.values()), errors.get("field"), null)
        + AccountLayout.field("", select("match", in.get("match"), FilterRules.Match.values()), errors.get("match"), null)
        + AccountLayout.field("the text", AccountLayout.input("text", "text", orEmpty(in.get("text")),
            "maxlength=\"" + FilterRules.MAX_TEXT + "\" required placeholder=\"[my-list]\""), errors.get("text"), null)
        + "</div><div class=\"row\">"
        + AccountLayout.field("then", select("action", in.get("action"), FilterRules.Action.values()), errors.get("action"), null)
        + AccountLayout.field("folder or address", AccountLayout.input("text", "argument", orEmpty(in.get("argument")),
            "maxlength=\"" + FilterRules.MAX_TEXT + "\" placeholder=\"Lists\""), errors.get("argument"),
            "(a missing folder is made)")
        + "</div><button type=\"submit\" id=\"add-rule\">Add rule</button>";
    b.append(AccountLayout.form(p, "/account/filters/add", "rule-form", fields));
    return AccountLayout.page("Filters", p, "filters", b.toString());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <E extends Enum<E>> String select(String name, String chosen, E[] values) {
    StringBuilder b = new StringBuilder("<select name=\"").append(name).append("\" id=\"").append(name).append("\">");
    for (E e : values) {
      String label = switch (e) {
        case FilterRules.Field f -> f.label();
        case FilterRules.Match m -> m.label();
        case FilterRules.Action a -> a.label();
        default -> e.name();
      };
      b.append("<option value=\"").append(e.name().toLowerCase(java.util.Locale.ROOT)).append('"')
          .append(e.name().equalsIgnoreCase(orEmpty(chosen)) ? " selected" : "").append('>').append(Html.esc(label))
          .append("</option>");
    }
    return b.append("</select>").toString();
  }
}
