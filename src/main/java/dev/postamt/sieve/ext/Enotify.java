package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;
import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Definitions;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5435 "enotify" with the mailto method (RFC 5436): the notify action, valid_notify_method and
 * notify_method_capability. The action carries the notification; sending it is delivery's job.
 */
public final class Enotify {
  private Enotify() {}

  static final int MAX_NOTIFICATIONS = 10;

  public static SieveExtension extension() {
    return SieveExtension.of("enotify",
        command("notify", Signature.builder().tag(TagSpec.withParameter("from", Type.STRING, null))
            .tag(TagSpec.withParameter("importance", Type.STRING, null))
            .tag(TagSpec.withParameter("options", Type.STRING_LIST, null))
            .tag(TagSpec.withParameter("message", Type.STRING, null)).arg(Type.STRING, "method").build(),
            Enotify::check, Enotify::execute),
        test("valid_notify_method", Signature.builder().arg(Type.STRING_LIST, "notification uris").build(), (x, n) -> {
          for (Template t : n.strings(0)) {
            String uri = t.eval(x);
            if (mailtoError(uri) != null || !x.environment().notifyMethodSupported(uri)) {
              return false;
            }
          }
          return true;
        }),
        test("notify_method_capability", Signature.builder().tags(Signature.MATCH_TAGS)
            .arg(Type.STRING, "notification uri").arg(Type.STRING, "notification capability")
            .arg(Type.STRING_LIST, "key list").build(), (x, n) -> {
              String uri = n.string(0).eval(x);
              if (mailtoError(uri) != null) {
                return false;
              }
              if (!n.string(1).eval(x).equalsIgnoreCase("online")) {
                return false;
              }
              return n.match().matches(x, List.of("maybe"), n.strings(2));
            }));
  }

  /** RFC 5436 §2: a mailto URI with at least one valid recipient; the error, or null when fine. */
  static String mailtoError(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      return "invalid notification method '" + uri + "'";
    }
    if (!uri.substring(0, colon).equalsIgnoreCase("mailto")) {
      return "unsupported notification method '" + uri.substring(0, colon) + "'";
    }
    String rest = uri.substring(colon + 1);
    int q = rest.indexOf('?');
    String to = q < 0 ? rest : rest.substring(0, q);
    int count = 0;
    try {
      String decodedTo = URLDecoder.decode(to.replace("+", "%2B"), StandardCharsets.UTF_8);
      for (String a : decodedTo.split(",", -1)) {
        if (a.isEmpty() && decodedTo.isEmpty()) {
          continue;
        }
        a = a.strip();
        if (!Core.validAddress(a)) {
          return "invalid recipient '" + a + "' in mailto URI";
        }
        count++;
      }
      if (q >= 0) {
        for (String h : rest.substring(q + 1).split("&")) {
          int eq = h.indexOf('=');
          if (eq <= 0) {
            return "invalid header in mailto URI";
          }
          String name = URLDecoder.decode(h.substring(0, eq), StandardCharsets.UTF_8);
          if (!Core.validHeaderName(name)) {
            return "invalid header name '" + name + "' in mailto URI";
          }
          if (name.equalsIgnoreCase("to") || name.equalsIgnoreCase("cc")) {
            count++;
          }
        }
      }
    } catch (IllegalArgumentException e) {
      return "invalid escape in mailto URI";
    }
    return count == 0 ? "mailto URI has no recipients" : null;
  }

  static void check(Checker c, CompiledNode n) {
    if (n.string(0).isConstant()) {
      String err = mailtoError(n.string(0).text());
      if (err != null) {
        c.error(n.argAt(0), "notify command: " + err);
      }
    }
    if (n.has("importance") && n.tagString("importance").isConstant()) {
      String i = n.tagString("importance").text();
      if (!i.equals("1") && !i.equals("2") && !i.equals("3")) {
        c.error(n.tagAt("importance"), "notify command: invalid :importance value '" + i + "' (must be \"1\", \"2\" or \"3\")");
      }
    }
    if (n.has("from") && n.tagString("from").isConstant() && !Core.validAddress(n.tagString("from").text())) {
      c.error(n.tagAt("from"), "notify command: invalid :from address '" + n.tagString("from").text() + "'");
    }
  }

  static void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
    String method = n.string(0).eval(x);
    String err = mailtoError(method);
    if (err != null) {
      throw new SieveRuntimeException(n.at(), "notify action: " + err);
    }
    String importance = n.has("importance") ? n.tagString("importance").eval(x) : "2";
    String from = n.has("from") ? n.tagString("from").eval(x) : null;
    List<String> options = n.has("options") ? Definitions.eval(x, n.tagStrings("options")) : List.of();
    String message = n.has("message") ? n.tagString("message").eval(x) : null;
    long count = x.result().actions().stream().filter(a -> a instanceof SieveAction.Notify).count();
    if (count >= MAX_NOTIFICATIONS) {
      throw new SieveRuntimeException(n.at(), "notify action: too many notifications (more than " + MAX_NOTIFICATIONS + ")");
    }
    x.result().other(n.at(), new SieveAction.Notify(method.toLowerCase(Locale.ROOT).startsWith("mailto:") ? method : method,
        from, importance, options, message));
  }
}
