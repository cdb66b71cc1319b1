package dev.postamt.managesieve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes ManageSieve responses (RFC 5804 §4): {@code OK}, {@code NO} and {@code BYE}, each with an
 * optional response code and text, and strings as the grammar wants them: quoted where that is possible
 * (no CR, LF or NUL, at most 1024 octets), else as a literal {@code {n}}.
 */
final class Responses {
  /** RFC 5804 §4: quoted strings are limited to 1024 octets. */
  private static final int MAX_QUOTED = 1024;

  private final OutputStream out;

  Responses(OutputStream out) {
    this.out = out;
  }

  void ok(String code, String text) throws IOException {
    status("OK", code, text);
  }

  void no(String code, String text) throws IOException {
    status("NO", code, text);
  }

  void bye(String code, String text) throws IOException {
    status("BYE", code, text);
  }

  /** {@code KIND [(CODE)] [text]}; the code is written as given (it may carry its own string, e.g. TAG). */
  void status(String kind, String code, String text) throws IOException {
    StringBuilder b = new StringBuilder(kind);
    if (code != null) {
      b.append(" (").append(code).append(')');
    }
    write(b.toString());
    if (text != null) {
      write(" ");
      string(text);
    }
    line("");
  }

  /** One line of capability or list output: the strings separated by spaces, then an atom or nothing. */
  void line(String s) throws IOException {
    out.write((s + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A string: quoted when it can be, else a literal. */
  void string(String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_QUOTED && s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0) {
      write(quote(s));
    } else {
      literal(bytes);
    }
  }

  /** {@code {n}} CRLF and the octets (GETSCRIPT's script, RFC 5804 §2.9). */
  void literal(byte[] bytes) throws IOException {
    write("{" + bytes.length + "}\r\n");
    out.write(bytes);
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  void flush() throws IOException {
    out.flush();
  }
}
