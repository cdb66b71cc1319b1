package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;
import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveCommand;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5228 itself: control (if/elsif/else, stop; require is the compiler's), the actions keep, discard
 * and redirect, and the tests address, header, exists, size, allof, anyof, not, true and false. Its
 * capability name is the empty string: always present.
 */
public final class Core {
  private Core() {}

  static final Signature CONDITIONAL = Signature.builder().tests(1, 1).block().build();

  static final Signature HEADER = Signature.builder().tags(Signature.MATCH_TAGS).tags(Signature.INDEX_TAGS)
      .arg(Type.STRING_LIST, "header names").arg(Type.STRING_LIST, "key list").build();

  static final Signature ADDRESS = Signature.builder().tags(Signature.MATCH_TAGS).tags(Signature.ADDRESS_PART_TAGS)
      .tags(Signature.INDEX_TAGS).arg(Type.STRING_LIST, "header list").arg(Type.STRING_LIST, "key list").build();

  public static SieveExtension extension() {
    return SieveExtension.of("",
        command("if", CONDITIONAL, (x, n) -> {}),
        command("elsif", CONDITIONAL, (x, n) -> {}),
        command("else", Signature.builder().block().build(), (x, n) -> {}),
        command("stop", Signature.builder().build(), (x, n) -> x.stop()),
        command("keep", Signature.builder().tag(Imap4Flags.FLAGS_TAG).build(),
            (x, n) -> x.result().keep(n.at(), Imap4Flags.flagsOf(x, n))),
        command("discard", Signature.builder().build(), (x, n) -> x.result().discard(n.at())),
        command("redirect", Signature.builder().tag(TagSpec.flag("copy", "copy"))
            .tag(TagSpec.flag("list", "extlists")).arg(Type.STRING, "address").build(),
            Core::checkRedirect, Core::redirect),
        test("true", Signature.builder().build(), (x, n) -> true),
        test("false", Signature.builder().build(), (x, n) -> false),
        test("not", Signature.builder().tests(1, 1).build(), (x, n) -> !x.test(n.tests().get(0))),
        test("allof", Signature.builder().tests(1, Integer.MAX_VALUE).build(), (x, n) -> {
          for (CompiledNode t : n.tests()) {
            if (!x.test(t)) {
              return false;
            }
          }
          return true;
        }),
        test("anyof", Signature.builder().tests(1, Integer.MAX_VALUE).build(), (x, n) -> {
          for (CompiledNode t : n.tests()) {
            if (x.test(t)) {
              return true;
            }
          }
          return false;
        }),
        test("exists", Signature.builder().arg(Type.STRING_LIST, "header names").build(), Core::checkHeaderNames,
            (x, n) -> {
              for (Template h : n.strings(0)) {
                if (x.headerValues(h.eval(x)).isEmpty()) {
                  return false;
                }
              }
              return true;
            }),
        test("size", Signature.builder().tag(new TagSpec("over", Type.NONE, "size type", null))
            .tag(new TagSpec("under", Type.NONE, "size type", null)).arg(Type.NUMBER, "limit").build(),
            (c, n) -> {
              if (!n.has("over") && !n.has("under")) {
                c.error(n.at(), "the size test requires either the :under or the :over tag to be specified");
              }
            },
            (x, n) -> n.has("over") ? x.messageSize() > n.number(0) : x.messageSize() < n.number(0)),
        test("header", HEADER, Core::checkHeaderTest, Core::header),
        test("address", ADDRESS, Core::checkAddressTest, Core::address));
  }

  static void checkRedirect(Checker c, CompiledNode n) {
    Template t = n.string(0);
    if (t.isConstant() && !validAddress(t.text())) {
      c.error(n.argAt(0), "specified redirect address '" + t.text() + "' is invalid");
    }
  }

  /** RFC 5233 separators of user and detail: the recipient_delimiter setting, "+" by default. */
  static String delimiters(Execution x) {
    return x.environment().setting("recipient_delimiter").filter(d -> !d.isEmpty()).orElse("+");
  }

  static boolean validAddress(String a) {
    return bareAddress(a) != null;
  }

  /**
   * The addr-spec of a single RFC 5322 address ("Name <local@domain>", white space around the parts
   * allowed, as Pigeonhole accepts it), or null when the text is not exactly one address with a domain.
   */
  static String bareAddress(String text) {
    int lt = text.indexOf('<');
    if (lt >= 0 != text.indexOf('>') > lt) {
      return null;
    }
    if (lt < 0) {
      // Without angle brackets the text is a bare addr-spec: no phrase before it.
      int at = text.lastIndexOf('@');
      String local = at < 0 ? text.strip() : text.substring(0, at).strip();
      if (!local.startsWith("\"") && local.chars().anyMatch(c -> c == ' ' || c == '\t')) {
        return null;
      }
    }
    java.util.List<dev.postamt.mime.Address> list = dev.postamt.mime.Address.parseList(text);
    if (list.size() != 1) {
      return null;
    }
    dev.postamt.mime.Address a = list.get(0);
    if (a.isGroupStart() || a.isGroupEnd() || a.mailbox() == null || a.mailbox().isEmpty() || a.host() == null
        || !AddressParts.validDomain(a.host()) || a.mailbox().chars().anyMatch(c -> c >= 0x80)) {
      return null;
    }
    return a.mailbox() + "@" + a.host();
  }

  static void redirect(Execution x, CompiledNode n) throws SieveRuntimeException {
    String a = n.string(0).eval(x);
    if (!validAddress(a)) {
      throw new SieveRuntimeException(n.at(), "specified redirect address '" + a + "' is invalid");
    }
    x.result().redirect(n.at(), normalized(bareAddress(a)), n.has("copy"));
  }

  private static final java.util.regex.Pattern DOT_ATOM =
      java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

  /**
   * An address in its RFC 5321 normal form: the local part quoted only when it is not a dot-atom
   * ({@code "Sirius"@example.net} is {@code Sirius@example.net}), as the SMTP envelope wants it.
   */
  static String normalized(String address) {
    int at = address.lastIndexOf('@');
    String local = address.substring(0, at);
    if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
      local = local.substring(1, local.length() - 1).replaceAll("\\\\(.)", "$1");
    }
    if (!DOT_ATOM.matcher(local).matches()) {
      local = "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return local + address.substring(at);
  }

  /** RFC 5228 §2.4.2.2: header names are field names (no colon, no spaces). */
  static boolean validHeaderName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 32 || c >= 127 || c == ':') {
        return false;
      }
    }
    return true;
  }

  static void checkHeaderNames(Checker c, CompiledNode n) {
    for (Template h : n.strings(0)) {
      if (h.isConstant() && !validHeaderName(h.text())) {
        c.warning(n.argAt(0), "specified header field name '" + h.text() + "' is invalid");
      }
    }
  }

  static void checkHeaderTest(Checker c, CompiledNode n) {
    checkHeaderNames(c, n);
    Index.check(c, n);
  }

  static void checkAddressTest(Checker c, CompiledNode n) {
    for (Template h : n.strings(0)) {
      if (h.isConstant() && !validHeaderName(h.text())) {
        c.error(n.argAt(0), "specified header field name '" + h.text() + "' is invalid");
      } else if (h.isConstant() && !AddressParts.isAddressHeader(h.text())) {
        c.error(n.argAt(0), "specified header '" + h.text() + "' is not allowed for the address test");
      }
    }
    Index.check(c, n);
  }

  static boolean header(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> values = new ArrayList<>();
    for (Template h : n.strings(0)) {
      values.addAll(Index.select(n, x.decodedHeaderValues(h.eval(x))));
    }
    return n.match().matches(x, values, n.strings(1));
  }

  static boolean address(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> values = new ArrayList<>();
    for (Template h : n.strings(0)) {
      String name = h.eval(x);
      if (!AddressParts.isAddressHeader(name)) {
        continue;
      }
      values.addAll(AddressParts.fromHeaders(Index.select(n, x.headerValues(name)), n.addressPart(), delimiters(x)));
    }
    return n.match().matches(x, values, n.strings(1));
  }
}
