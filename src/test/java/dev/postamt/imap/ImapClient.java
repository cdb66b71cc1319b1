package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The transcript DSL: {@code c.run("a SELECT INBOX", "* 0 EXISTS", "a OK*")} sends one command and checks
 * that the given patterns match response lines in order ({@code *} matches anything), the last one
 * being the tagged reply. Literals in responses are folded into their line.
 */
public final class ImapClient implements AutoCloseable {
  final Socket socket;
  InputStream in;
  OutputStream out;

  public ImapClient(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  ImapClient(Socket s) throws IOException {
    socket = s;
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  int port() {
    return socket.getPort();
  }

  public String greeting() throws IOException {
    String g = line();
    assertThat(g).startsWith("* OK ");
    return g;
  }

  public ImapClient send(String line) throws IOException {
    return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  public ImapClient sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** One response line; a literal at its end is read and appended, with the text after it. */
  public String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (b.size() == 0) {
          return null;
        }
        break;
      }
      if (c == '\n') {
        byte[] l = b.toByteArray();
        int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        String s = new String(l, 0, n, StandardCharsets.UTF_8);
        long[] lit = CommandReader.literalAtEnd(java.util.Arrays.copyOf(l, n));
        if (lit == null) {
          return s;
        }
        b.reset();
        b.write(l, 0, n);
        b.write('\r');
        b.write('\n');
        b.write(in.readNBytes((int) lit[0]));
        continue;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Reads up to and including the line tagged {@code tag}. */
  List<String> until(String tag) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = line();
      if (l == null) {
        fail("connection closed; got " + lines);
      }
      lines.add(l);
      if (l.startsWith(tag + " ")) {
        return lines;
      }
    }
  }

  /** Sends {@code command}, reads its response, and checks {@code expected} in order (last = tagged). */
  public List<String> run(String command, String... expected) throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    send(command);
    List<String> lines = until(tag);
    check(lines, expected);
    return lines;
  }

  static void check(List<String> lines, String... expected) {
    int i = 0;
    for (String e : expected) {
      Pattern p = glob(e);
      while (i < lines.size() && !p.matcher(lines.get(i)).matches()) {
        i++;
      }
      if (i == lines.size()) {
        fail("expected a line matching <" + e + "> (in order) in:\n  " + String.join("\n  ", lines));
      }
      i++;
    }
    if (expected.length > 0) {
      assertThat(lines.getLast()).matches(glob(expected[expected.length - 1]));
    }
  }

  /** Lines must match exactly these patterns, no more, no fewer. */
  List<String> runExactly(String command, String... expected) throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    send(command);
    List<String> lines = until(tag);
    assertThat(lines).as(String.join("\n", lines)).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(lines.get(i)).matches(glob(expected[i]));
    }
    return lines;
  }

  static Pattern glob(String g) {
    StringBuilder b = new StringBuilder();
    String[] parts = g.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        b.append(".*");
      }
      b.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
