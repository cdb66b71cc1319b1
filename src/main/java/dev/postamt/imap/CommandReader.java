package dev.postamt.imap;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads one complete command from the client: a line, and for each literal announced at its end the
 * literal bytes and the line after them (RFC 3501 §4.3, RFC 7888 LITERAL+). Synchronising literals are
 * acknowledged with a continuation request through {@link Continuation}. The result goes to {@link
 * CommandParser} unchanged.
 *
 * <p>Limits. Before login a command is small: lines of at most {@value #PRE_AUTH_LINE} bytes, at most
 * {@value #PRE_AUTH_LITERALS} literals of at most {@value #PRE_AUTH_LITERAL} bytes each (enough for any
 * user name or password; Dovecot's login process is as strict), and {@value #PRE_AUTH_COMMAND} bytes in
 * all before the last line, so an unauthenticated client can make the server hold only a few KiB. After login a literal may be as large
 * as a message ({@code maxLiteral}); one above {@value #SPILL} bytes goes to a temporary file as it
 * arrives instead of the heap ({@link Literal}), and the rest of the command (lines and smaller
 * literals) may hold at most {@value #IN_MEMORY} bytes. A literal over the limit is refused without
 * reading it: a synchronising one was never invited, so the client sends nothing of it; a
 * non-synchronising one is already on its way and the stream cannot be followed (RFC 7888 §4), so the
 * session ends.
 */
final class CommandReader {
  /** Room for the largest ID command RFC 2971 §3.3 allows (30 pairs of 30-octet fields and 1024-octet values). */
  static final int PRE_AUTH_LINE = 40 * 1024;
  static final int PRE_AUTH_LITERAL = 8 * 1024;
  static final int PRE_AUTH_LITERALS = 8;
  static final int PRE_AUTH_COMMAND = 32 * 1024;
  /** After login, literals larger than this are written to a file as they arrive. */
  static final int SPILL = 256 * 1024;
  /** After login, the bytes of one command held in memory (lines and small literals). */
  static final int IN_MEMORY = 1 << 20;

  /** Sends {@code + Ready} before the client may send a synchronising literal. */
  interface Continuation {
    void ready() throws IOException;
  }

  /** A line or literal over the limit; {@code fatal} when the stream can no longer be followed. */
  static final class TooLongException extends IOException {
    final boolean fatal;
    final String tag;

    TooLongException(String message, boolean fatal, String tag) {
      super(message);
      this.fatal = fatal;
      this.tag = tag;
    }
  }

  private final InputStream in;
  private final int maxLine;
  private final long maxLiteral;
  private final long maxCommand;
  private final Path spillDir;
  private boolean authenticated;

  /** @param spillDir where large literals go after login; null for the system's temporary directory */
  CommandReader(InputStream in, int maxLine, long maxLiteral, Path spillDir) {
    this.in = in;
    this.maxLine = maxLine;
    this.maxLiteral = maxLiteral;
    this.maxCommand = maxLiteral + 64L * maxLine;
    this.spillDir = spillDir;
  }

  /** From now on the client is logged in: the large limits apply. */
  void authenticated() {
    authenticated = true;
  }

  /** The next command without its final CRLF, or null at end of stream. The caller closes it. */
  CommandBytes read(Continuation cont) throws IOException {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    Map<Integer, Literal> spilled = new HashMap<>();
    boolean done = false;
    try {
      CommandBytes c = read(cont, cmd, spilled);
      done = true;
      return c;
    } finally {
      if (!done) {
        spilled.values().forEach(Literal::close);
      }
    }
  }

  private CommandBytes read(Continuation cont, ByteArrayOutputStream cmd, Map<Integer, Literal> spilled)
      throws IOException {
    String tag = null;
    long total = 0;
    int literals = 0;
    while (true) {
      byte[] line = readLine();
      if (line == null) {
        if (tag == null && cmd.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a command");
      }
      if (cmd.size() == 0 && literals == 0) {
        String l = new String(line, 0, Math.min(line.length, 100), StandardCharsets.US_ASCII);
        int sp = l.indexOf(' ');
        tag = sp > 0 ? l.substring(0, sp) : "";
      }
      cmd.write(line);
      total += line.length;
      long[] lit = literalAtEnd(line);
      if (lit == null) {
        return new CommandBytes(cmd.toByteArray(), spilled);
      }
      long n = lit[0];
      boolean sync = lit[1] == 0;
      literals++;
      String refusal = refusal(n, total, literals, cmd.size());
      if (refusal != null) {
        throw new TooLongException(refusal, !sync, tag.isEmpty() ? null : tag);
      }
      if (sync) {
        cont.ready();
      }
      cmd.write('\r');
      cmd.write('\n');
      total += n;
      if (authenticated && n > SPILL) {
        spilled.put(cmd.size(), spill(n));
      } else {
        byte[] data = in.readNBytes((int) n);
        if (data.length < n) {
          throw new EOFException("connection closed inside a literal");
        }
        cmd.write(data);
      }
    }
  }

  /** Why a literal of {@code n} bytes may not follow, or null when it may. */
  private String refusal(long n, long total, int literals, int inMemory) {
    if (!authenticated) {
      if (n > PRE_AUTH_LITERAL || literals > PRE_AUTH_LITERALS || total + n > PRE_AUTH_COMMAND) {
        return "Literal too large before login";
      }
      return null;
    }
    if (n > maxLiteral || total + n > maxCommand || inMemory + (n > SPILL ? 0 : n) > IN_MEMORY) {
      return "Literal too large";
    }
    return null;
  }

  /** Copies the next {@code n} bytes into a new temporary file. */
  private Literal spill(long n) throws IOException {
    Path f = spillDir == null
        ? Files.createTempFile("imap-literal-", ".tmp")
        : Files.createTempFile(Files.createDirectories(spillDir), "imap-literal-", ".tmp");
    boolean nul = false;
    try (OutputStream o = Files.newOutputStream(f)) {
      byte[] buf = new byte[16 * 1024];
      for (long left = n; left > 0; ) {
        int want = (int) Math.min(buf.length, left);
        int got = in.readNBytes(buf, 0, want);
        nul |= BinaryDecoder.hasNul(buf, 0, got); // noted on the way, so APPEND need not read the file twice
        o.write(buf, 0, got);
        left -= got;
        if (got < want) {
          throw new EOFException("connection closed inside a literal");
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(f);
      throw e;
    }
    return Literal.spilled(f, n, nul);
  }

  /** One line without CRLF (a bare LF ends a line too), or null at end of stream. */
  byte[] readLine() throws IOException {
    int limit = authenticated ? maxLine : Math.min(maxLine, PRE_AUTH_LINE);
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a line");
      }
      if (c == '\n') {
        byte[] out = line.toByteArray();
        int len = out.length;
        if (len > 0 && out[len - 1] == '\r') {
          return java.util.Arrays.copyOf(out, len - 1);
        }
        return out;
      }
      if (line.size() >= limit) {
        skipLine();
        throw new TooLongException("Command line too long", false, null);
      }
      line.write(c);
    }
  }

  private void skipLine() throws IOException {
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      // discard
    }
  }

  /** {n} or {n+} (optionally ~{n}) at the end of a line: {length, nonSync?1:0}; else null. */
  static long[] literalAtEnd(byte[] line) {
    int e = line.length - 1;
    if (e < 2 || line[e] != '}') {
      return null;
    }
    int i = e - 1;
    boolean plus = line[i] == '+';
    if (plus) {
      i--;
    }
    int digitsEnd = i;
    while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
      i--;
    }
    if (i < 0 || line[i] != '{' || i == digitsEnd || digitsEnd - i > 12) {
      return null;
    }
    long n = Long.parseLong(new String(line, i + 1, digitsEnd - i, StandardCharsets.US_ASCII));
    return new long[] {n, plus ? 1 : 0};
  }
}
