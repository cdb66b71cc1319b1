package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;

import dev.postamt.mime.HeaderText;
import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveMessage.Header;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * RFC 5293 "editheader": addheader and deleteheader. Edits change what later tests see (§6) and are
 * returned as actions for delivery to apply. Received and Auto-Submitted are protected: edits to them
 * are ignored (§6, as Pigeonhole's default).
 */
public final class EditHeader {
  private EditHeader() {}

  static final int MAX_HEADER_SIZE = 2048;

  public static SieveExtension extension() {
    return SieveExtension.of("editheader",
        command("addheader", Signature.builder().tag(TagSpec.flag("last")).arg(Type.STRING, "field name")
            .arg(Type.STRING, "value").build(), EditHeader::checkAdd, EditHeader::add),
        command("deleteheader", Signature.builder().tags(Signature.MATCH_TAGS)
            .tag(TagSpec.withParameter("index", Type.NUMBER, null)).tag(TagSpec.flag("last"))
            .arg(Type.STRING, "field name").optionalArg(Type.STRING_LIST, "value patterns").build(),
            EditHeader::checkDelete, EditHeader::delete));
  }

  /**
   * Pigeonhole's rules: Subject may always be edited; X-Sieve-Redirected-From (loop protection) never;
   * Received and Auto-Submitted may be added but not deleted (RFC 5293 §6); others as the administrator
   * configures them (sieve_editheader_header/NAME/forbid_add, .../forbid_delete).
   */
  static boolean allowed(dev.postamt.sieve.SieveEnvironment env, String name, boolean add) {
    if (name.equalsIgnoreCase("subject")) {
      return true;
    }
    if (name.equalsIgnoreCase("x-sieve-redirected-from")) {
      return false;
    }
    if (!add && (name.equalsIgnoreCase("received") || name.equalsIgnoreCase("auto-submitted"))) {
      return false;
    }
    for (String key : env.setting("sieve_editheader_header").orElse("").trim().split("\\s+")) {
      if (key.isEmpty()) {
        continue;
      }
      String configured = env.setting("sieve_editheader_header/" + key + "/name").orElse(key);
      if (configured.equalsIgnoreCase(name)) {
        return !env.flag("sieve_editheader_header/" + key + (add ? "/forbid_add" : "/forbid_delete"), false);
      }
    }
    return true;
  }

  /** Pigeonhole's sieve_editheader_max_header_size (2048 by default). */
  static int maxHeaderSize(java.util.Optional<String> setting) {
    try {
      return setting.map(v -> Integer.parseInt(v.strip())).orElse(MAX_HEADER_SIZE);
    } catch (NumberFormatException e) {
      return MAX_HEADER_SIZE;
    }
  }

  /** RFC 5322 unstructured text: no control characters but tab and line ends (folding). */
  static boolean validValue(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String shown(String v) {
    String s = v.replaceAll("[\\x00-\\x1f\\x7f]", "");
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  static void checkAdd(Checker c, CompiledNode n) {
    if (n.string(0).isConstant() && !Core.validHeaderName(n.string(0).text())) {
      c.error(n.argAt(0), "addheader command: specified field name '" + n.string(0).text() + "' is invalid");
      return;
    }
    if (n.string(1).isConstant()) {
      String v = n.string(1).text();
      if (v.indexOf(0) >= 0) {
        c.error(n.argAt(1), "addheader command: specified value '" + shown(v.substring(0, v.indexOf(0)))
            + "' is invalid (contains NUL character)");
      } else if (!validValue(v)) {
        c.error(n.argAt(1), "addheader command: specified value '" + shown(v) + "' is invalid");
      } else if (v.getBytes(StandardCharsets.UTF_8).length > maxHeaderSize(c.compiler().setting("sieve_editheader_max_header_size"))) {
        c.error(n.argAt(1), "addheader command: specified header value '" + shown(v) + "' is too large");
      }
    }
  }

  static void checkDelete(Checker c, CompiledNode n) {
    if (n.has("last") && !n.has("index")) {
      c.error(n.tagAt("last"), "deleteheader command: the :last tag cannot be specified without the :index tag");
      return;
    }
    if (n.string(0).isConstant() && !Core.validHeaderName(n.string(0).text())) {
      c.error(n.argAt(0), "deleteheader command: specified field name '" + n.string(0).text() + "' is invalid");
    }
    Index.check(c, n);
    boolean matchTags = n.has("comparator") || n.has("is") || n.has("contains") || n.has("matches")
        || n.has("regex") || n.has("count") || n.has("value");
    if (n.argCount() < 2 && matchTags) {
      c.error(n.at(), "deleteheader command: a comparator or match type requires value patterns");
    }
  }

  static void add(Execution x, CompiledNode n) throws SieveRuntimeException {
    String name = n.string(0).eval(x);
    String value = n.string(1).eval(x);
    if (!Core.validHeaderName(name)) {
      throw new SieveRuntimeException(n.at(), "addheader action: specified field name '" + name + "' is invalid");
    }
    if (!validValue(value)) {
      throw new SieveRuntimeException(n.at(), "addheader action: specified value '" + shown(value) + "' is invalid");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > maxHeaderSize(x.environment().setting("sieve_editheader_max_header_size"))) {
      throw new SieveRuntimeException(n.at(), "addheader action: specified header value '" + shown(value) + "' is too large");
    }
    if (!allowed(x.environment(), name, true)) {
      x.log("addheader: adding header field '" + name + "' is forbidden; modification denied");
      return;
    }
    String stored = encode(value.replaceAll("\r?\n[ \t]*", " ").strip());
    List<Header> headers = x.editableHeaders();
    boolean last = n.has("last");
    if (last) {
      headers.add(new Header(name, stored));
    } else {
      headers.add(0, new Header(name, stored));
    }
    x.result().other(n.at(), new SieveAction.AddHeader(name, stored, last));
  }

  /** Non-ASCII text becomes RFC 2047 words, as a header must carry it. */
  static String encode(String v) {
    boolean ascii = true;
    for (int i = 0; i < v.length() && ascii; i++) {
      ascii = v.charAt(i) < 0x80;
    }
    if (ascii) {
      return v;
    }
    return "=?utf-8?b?" + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  static void delete(Execution x, CompiledNode n) throws SieveRuntimeException {
    String name = n.string(0).eval(x);
    if (!Core.validHeaderName(name)) {
      throw new SieveRuntimeException(n.at(), "deleteheader action: specified field name '" + name + "' is invalid");
    }
    if (!allowed(x.environment(), name, false)) {
      x.log("deleteheader: deleting header field '" + name + "' is forbidden; modification denied");
      return;
    }
    List<Header> headers = x.editableHeaders();
    int total = 0;
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        total++;
      }
    }
    long index = n.tagNumber("index", 0);
    if (index > 0 && n.has("last")) {
      index = total - index + 1;
    }
    int occurrence = 0;
    int deleted = 0;
    for (int i = 0; i < headers.size(); i++) {
      Header h = headers.get(i);
      if (!h.name().equalsIgnoreCase(name)) {
        continue;
      }
      occurrence++;
      if (index > 0 && occurrence != index) {
        continue;
      }
      if (n.argCount() == 2) {
        String decoded = HeaderText.decode(h.value());
        if (!(n.match() == null ? dev.postamt.sieve.Match.DEFAULT : n.match()).matchesOne(x, decoded, n.strings(1))) {
          continue;
        }
      }
      headers.remove(i--);
      deleted++;
    }
    if (deleted > 0) {
      x.result().other(n.at(), new SieveAction.DeleteHeader(name, deleted));
    }
  }
}
