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
    try {
      Mailto.parse(uri.substring(colon + 1));
      return null;
    } catch (Mailto.Invalid e) {
      return "invalid mailto URI: " + e.getMessage();
    }
  }

  /** RFC 5435 §3.7 (as Pigeonhole reads it): "name=value", name alphanumeric first, no CR/LF in the value. */
  static boolean validOption(String o) {
    int eq = o.indexOf('=');
    if (eq <= 0 || !Character.isLetterOrDigit(o.charAt(0)) || o.charAt(0) >= 0x80) {
      return false;
    }
    for (int i = 1; i < eq; i++) {
      char c = o.charAt(i);
      if (!(c < 0x80 && Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
        return false;
      }
    }
    return o.indexOf('\r') < 0 && o.indexOf('\n') < 0;
  }

  /** Pigeonhole's sieve_notify_max_notifications: notify actions per run; 0 prohibits notify. */
  static int maxNotifications(java.util.Optional<String> setting) {
    try {
      return setting.map(v -> Integer.parseInt(v.strip())).orElse(MAX_NOTIFICATIONS);
    } catch (NumberFormatException e) {
      return MAX_NOTIFICATIONS;
    }
  }

  static void check(Checker c, CompiledNode n) {
    if (maxNotifications(c.compiler().setting("sieve_notify_max_notifications")) == 0) {
      c.error(n.at(), "notify action: local policy prohibits the use of a notify action");
    }
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
    if (n.has("options")) {
      for (Template t : n.tagStrings("options")) {
        if (t.isConstant() && !validOption(t.text())) {
          c.error(n.tagAt("options"), "notify command: invalid option '" + t.text() + "' (must be name=value)");
        }
      }
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
    int max = maxNotifications(x.environment().setting("sieve_notify_max_notifications"));
    if (max == 0) {
      throw new SieveRuntimeException(n.at(), "notify action: local policy prohibits the use of a notify action");
    }
    long count = x.result().actions().stream().filter(a -> a instanceof SieveAction.Notify).count();
    if (count >= max) {
      throw new SieveRuntimeException(n.at(), "notify action: number of notify actions exceeds policy limit (" + max + ")");
    }
    x.result().other(n.at(), new SieveAction.Notify(method.toLowerCase(Locale.ROOT).startsWith("mailto:") ? method : method,
        from, importance, options, message));
  }
}
