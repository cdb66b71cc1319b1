package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveMessage.BodyPart;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5173 "body": matches the body as sent ({@code :raw}), its text parts decoded ({@code :text}, the
 * default) or the parts of given media types ({@code :content}). Decoding happens once per message, in
 * the {@link dev.postamt.sieve.SieveMessage}.
 */
public final class Body {
  private Body() {}

  static final String TRANSFORM = "body transform";

  public static SieveExtension extension() {
    return SieveExtension.of("body", test("body", Signature.builder().tags(Signature.MATCH_TAGS)
        .tag(new TagSpec("raw", Type.NONE, TRANSFORM, null)).tag(new TagSpec("text", Type.NONE, TRANSFORM, null))
        .tag(new TagSpec("content", Type.STRING_LIST, TRANSFORM, null)).arg(Type.STRING_LIST, "key list").build(),
        Body::evaluate));
  }

  static boolean evaluate(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> values = new ArrayList<>();
    if (x.message().rawBody().isEmpty()) {
      return false;
    }
    if (n.has("raw")) {
      values.add(x.message().rawBody());
    } else if (n.has("content")) {
      List<String> types = new ArrayList<>();
      for (Template t : n.tagStrings("content")) {
        types.add(t.eval(x).toLowerCase(Locale.ROOT));
      }
      for (BodyPart p : x.message().bodyParts()) {
        // Multipart parts give their prologue and epilogue, message/rfc822 its header (RFC 5173 §5.2).
        if (typeMatches(p.contentType(), types) && !(p.multipart() && p.text().isEmpty())) {
          values.add(p.text());
        }
      }
    } else {
      for (BodyPart p : x.message().bodyParts()) {
        if (p.multipart()) {
          continue;
        }
        if (p.contentType().equals("text/plain") || p.contentType().startsWith("text/") && !p.contentType().equals("text/html")) {
          values.add(p.text());
        } else if (p.contentType().equals("text/html") || p.contentType().equals("application/xhtml+xml")) {
          values.add(htmlToText(p.text()));
        }
      }
    }
    // Pigeonhole leaves the match variables alone for body: a body is too large to copy into them.
    List<String> saved = x.matchValues();
    boolean matched = n.match().matches(x, values, n.strings(0));
    x.setMatchValues(saved);
    return matched;
  }

  /** RFC 5173 §5.2: "" matches every type, "text" its subtypes, "text/plain" itself. */
  static boolean typeMatches(String type, List<String> wanted) {
    for (String w : wanted) {
      if (w.isEmpty() || w.equals(type) || w.indexOf('/') < 0 && type.startsWith(w + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Text of an HTML part, tags dropped, for {@code :text} (Pigeonhole's extracttext does similar). */
  static String htmlToText(String html) {
    return html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", " ")
        .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}
