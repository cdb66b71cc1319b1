package dev.postamt.imap;

import dev.postamt.mime.MimePart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A message APPENDed as a literal8 (RFC 3516 §4.4) may carry parts in the {@code binary} transfer
 * encoding, NULs included. BODY[] answers in plain literals, which cannot carry NUL (RFC 3501 §4.3), so
 * before the message is stored each such leaf part is re-encoded as base64 with its header saying so;
 * BINARY[] then decodes it back to the octets the client sent. Everything else is kept byte for byte.
 */
final class BinaryUpload {
  private BinaryUpload() {}

  /**
   * The message to store: unchanged unless a leaf part holds a NUL or, for a literal8 upload, is
   * declared {@code binary}.
   */
  static byte[] storable(byte[] message, boolean literal8) {
    boolean nul = BinaryDecoder.hasNul(message, 0, message.length);
    if (!nul && !(literal8 && mentionsBinary(message))) {
      return message;
    }
    List<MimePart> leaves = new ArrayList<>();
    collect(MimePart.parse(message), leaves);
    if (leaves.isEmpty()) {
      return message;
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream(message.length * 4 / 3 + 256);
    int copied = 0;
    for (MimePart p : leaves) {
      o.write(message, copied, p.start() - copied);
      reencode(message, p, o);
      copied = p.end();
    }
    o.write(message, copied, message.length - copied);
    return o.toByteArray();
  }

  /** Cheap pre-check so ordinary messages are not parsed: the word "binary" anywhere. */
  private static boolean mentionsBinary(byte[] m) {
    byte[] w = "binary".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + w.length <= m.length; i++) {
      for (int k = 0; k < w.length; k++) {
        if ((m[i + k] | 0x20) != w[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Leaf parts, in order, that need re-encoding. */
  private static void collect(MimePart p, List<MimePart> out) {
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        collect(c, out);
      }
      return;
    }
    if (p.message() != null) {
      collect(p.message(), out);
      return;
    }
    String enc = p.encoding();
    boolean needs = enc.equals("binary")
        || ((enc.equals("7bit") || enc.equals("8bit")) && BinaryDecoder.hasNul(p.data(), p.bodyStart(), p.bodySize()));
    if (needs && p.bodyStart() <= p.end()) {
      out.add(p);
    }
  }

  /** The part's header without its Content-Transfer-Encoding, then base64 in 76-character lines. */
  private static void reencode(byte[] m, MimePart p, ByteArrayOutputStream o) {
    for (MimePart.Field f : p.fields()) {
      if (!f.name().equalsIgnoreCase("Content-Transfer-Encoding")) {
        o.write(m, f.start(), f.end() - f.start());
        if (m[f.end() - 1] != '\n') {
          o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
    o.writeBytes("Content-Transfer-Encoding: base64\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] body = java.util.Arrays.copyOfRange(m, p.bodyStart(), p.end());
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
    o.writeBytes(b64.getBytes(StandardCharsets.US_ASCII));
    if (!b64.isEmpty()) {
      o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
