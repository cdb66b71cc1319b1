package dev.postamt.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes responses. Thread-safe, because during IDLE a notifier thread writes untagged updates while
 * the session thread waits for {@code DONE}. Also holds the string-encoding rules (RFC 3501 §4.3):
 * quoted when safe, else a literal.
 */
final class ResponseWriter {
  private OutputStream out;

  ResponseWriter(OutputStream out) {
    this.out = out;
  }

  synchronized void setOutput(OutputStream out) {
    this.out = out;
  }

  synchronized void untagged(String text) throws IOException {
    out.write(("* " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  synchronized void tagged(String tag, String text) throws IOException {
    out.write((tag + " " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  synchronized void continuation(String text) throws IOException {
    out.write(("+ " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  synchronized void raw(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /** Copies exactly {@code n} bytes (a literal's content) from {@code in}. */
  synchronized void stream(java.io.InputStream in, long n) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new java.io.EOFException("message file shorter than announced");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  // ---- string encoding ----------------------------------------------------------------------------

  /** Appends a string as a quoted string when possible, else as a literal; null becomes NIL. */
  static void nstring(ByteArrayOutputStream o, String s) {
    if (s == null) {
      ascii(o, "NIL");
      return;
    }
    nstring(o, s.getBytes(StandardCharsets.UTF_8));
  }

  /** Like {@link #nstring(ByteArrayOutputStream, String)} for text that is one char per byte. */
  static void nstringLatin1(ByteArrayOutputStream o, String s) {
    if (s == null) {
      ascii(o, "NIL");
      return;
    }
    nstring(o, s.getBytes(StandardCharsets.ISO_8859_1));
  }

  static void nstring(ByteArrayOutputStream o, byte[] s) {
    if (s == null) {
      ascii(o, "NIL");
      return;
    }
    boolean quotable = s.length < 1024;
    for (int i = 0; i < s.length && quotable; i++) {
      int c = s[i] & 0xff;
      quotable = c >= 0x20 && c < 0x7f;
    }
    if (quotable) {
      o.write('"');
      for (byte c : s) {
        if (c == '"' || c == '\\') {
          o.write('\\');
        }
        o.write(c);
      }
      o.write('"');
    } else {
      literal(o, s, 0, s.length);
    }
  }

  static void literal(ByteArrayOutputStream o, byte[] s, int off, int len) {
    ascii(o, "{" + len + "}\r\n");
    o.write(s, off, len);
  }

  /** Quoted string for text known to be short and simple (mailbox names, flags). */
  static String quote(String s) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    nstring(o, s);
    return o.toString(StandardCharsets.UTF_8);
  }

  /**
   * A string for an IMAP4rev2 session: quoted even with UTF-8 in it (RFC 9051 §9 allows UTF-8 in
   * quoted-char), a literal only for control characters or great length.
   */
  static String quoteUtf8(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    boolean quotable = bytes.length < 1024;
    for (int i = 0; i < bytes.length && quotable; i++) {
      int c = bytes[i] & 0xff;
      quotable = c >= 0x20 && c != 0x7f;
    }
    if (!quotable) {
      return quote(s);
    }
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  static void ascii(ByteArrayOutputStream o, String s) {
    o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
