package dev.postamt.imap;

import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * FETCH PREVIEW (RFC 8970): a plain-text preview of the message, at most {@link #MAX_CHARS} characters
 * of its first text part (text/plain, else text/html reduced to its text with jsoup), transfer
 * encoding and charset undone, white space collapsed. Attachments (Content-Disposition attachment) are
 * skipped, and message/rfc822 parts are not looked into. A message without text has the empty preview
 * {@code ""} (§3: NIL means "not available", which ours always is). The LAZY modifier (§3.1) changes
 * nothing here: the preview is made at once from the message file, never stored.
 */
final class Preview {
  /** RFC 8970 §3 allows up to 256; 200 as the JMAP preview and most clients show far fewer. */
  static final int MAX_CHARS = 200;
  static final String CAPABILITY = "PREVIEW";
  /** Enough decoded text to fill a preview even after markup and white space are dropped. */
  private static final int MAX_TEXT_BYTES = 64 * 1024;

  private Preview() {}

  static String of(MimePart root) {
    MimePart part = firstText(root, 0);
    if (part == null) {
      return "";
    }
    String text = decode(part);
    if (part.subtype().equals("html")) {
      text = org.jsoup.Jsoup.parse(text).text();
    }
    text = text.replaceAll("[\\s\\u00a0]+", " ").strip();
    int cps = text.codePointCount(0, text.length());
    return cps <= MAX_CHARS ? text : text.substring(0, text.offsetByCodePoints(0, MAX_CHARS));
  }

  /** The first text/plain or text/html leaf that is not an attachment, depth first (RFC 2046 order). */
  private static MimePart firstText(MimePart p, int depth) {
    if (depth > 32) {
      return null;
    }
    if (p.isMultipart()) {
      MimePart html = null;
      boolean alternative = p.subtype().equals("alternative");
      for (MimePart c : p.children()) {
        MimePart t = firstText(c, depth + 1);
        if (t == null) {
          continue;
        }
        if (!alternative || t.subtype().equals("plain")) {
          return t;
        }
        html = html == null ? t : html; // multipart/alternative: plain text preferred over HTML
      }
      return html;
    }
    String disposition = p.header("Content-Disposition");
    if (disposition != null && disposition.strip().toLowerCase(Locale.ROOT).startsWith("attachment")) {
      return null;
    }
    return p.type().equals("text") && (p.subtype().equals("plain") || p.subtype().equals("html")) ? p : null;
  }

  private static String decode(MimePart p) {
    byte[] bytes;
    try (InputStream in = TransferDecoding.decoded(p)) {
      bytes = in.readNBytes(MAX_TEXT_BYTES);
    } catch (IOException | RuntimeException e) {
      return "";
    }
    Charset cs = StandardCharsets.UTF_8;
    String name = p.params().get("charset");
    if (name != null) {
      try {
        cs = Charset.forName(name.strip());
      } catch (RuntimeException e) {
        // unknown charset: UTF-8, with replacement characters where it does not fit
      }
    }
    if (cs.equals(StandardCharsets.US_ASCII)) {
      cs = StandardCharsets.UTF_8; // 8-bit text labelled us-ascii is usually UTF-8
    }
    return new String(bytes, cs);
  }
}
