package dev.postamt.webmail;

import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The images an HTML mail shows by {@code cid:} reference (RFC 2392; {@code multipart/related}, RFC
 * 2387): the parts of the same message with a {@code Content-ID}, read out as {@code data:} URLs that
 * the sanitised page can show under its CSP ({@code img-src data:}). Why not the blobs' download URLs:
 * the reader's frame is sandboxed without {@code allow-same-origin}, so its requests come from an opaque
 * origin and carry no {@code SameSite=Strict} session cookie; a {@code data:} URL needs no request.
 *
 * <p>Only raster types are taken (PNG, GIF, JPEG, WebP, as for {@code data:} images in the sanitiser),
 * at most {@link #MAX_TOTAL} decoded bytes in all; an image beyond that stays blank. The walk does not
 * enter attached messages ({@code message/rfc822}): their images belong to their own HTML.
 */
final class InlineImages {
  /** Decoded bytes of inline images one page may carry. */
  static final int MAX_TOTAL = 10 << 20;
  private static final Set<String> RASTER = Set.of("png", "gif", "jpeg", "jpg", "webp");

  private InlineImages() {}

  /** The {@code data:} URL of each inline raster image of {@code message}, by its Content-ID without the brackets. */
  static Map<String, String> of(byte[] message) {
    Map<String, String> out = new HashMap<>();
    collect(MimePart.parse(message), out, new int[] {MAX_TOTAL});
    return out;
  }

  private static void collect(MimePart p, Map<String, String> out, int[] budget) {
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        collect(c, out, budget);
      }
      return;
    }
    String id = p.header("Content-ID");
    if (id == null || !p.type().equals("image") || !RASTER.contains(p.subtype())) {
      return;
    }
    String key = contentId(id);
    if (key.isEmpty() || out.containsKey(key)) {
      return;
    }
    byte[] image = read(p, budget[0]);
    if (image == null) {
      return; // over the budget
    }
    budget[0] -= image.length;
    String type = p.subtype().equals("jpg") ? "jpeg" : p.subtype();
    out.put(key, "data:image/" + type + ";base64," + Base64.getEncoder().encodeToString(image));
  }

  /** The decoded body, or null when it is larger than {@code max}. */
  private static byte[] read(MimePart p, int max) {
    try (InputStream in = TransferDecoding.decoded(p)) {
      ByteArrayOutputStream b = new ByteArrayOutputStream(Math.min(p.bodySize(), max) + 16);
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (b.size() + n > max) {
          return null;
        }
        b.write(buf, 0, n);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // bytes in memory: cannot happen
    }
  }

  /** A Content-ID field's id: {@code <a@b>} as {@code a@b} (RFC 2045 §7, RFC 5322 msg-id). */
  static String contentId(String field) {
    String s = field.strip();
    if (s.startsWith("<") && s.endsWith(">")) {
      s = s.substring(1, s.length() - 1);
    }
    return s.strip().toLowerCase(Locale.ROOT);
  }

  /** The id a {@code cid:} URL names: the rest of the URL, %-decoded (RFC 2392 §2). */
  static String ofUrl(String url) {
    String rest = url.substring(4).strip();
    try {
      rest = URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // a stray % is taken as it stands
    }
    return contentId(rest);
  }
}
