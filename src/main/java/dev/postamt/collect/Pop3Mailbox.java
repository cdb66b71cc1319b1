package dev.postamt.collect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small POP3 client (RFC 1939) for collecting: CAPA and STLS (RFC 2449, RFC 2595 §4), USER/PASS, UIDL
 * and LIST for the ids and sizes, RETR with the dot-stuffing undone, DELE, QUIT. A server without UIDL
 * cannot be collected from without fetching twice, so it is refused.
 */
final class Pop3Mailbox implements RemoteMailbox {
  private final RemoteLink link;

  private Pop3Mailbox(RemoteLink link) {
    this.link = link;
  }

  static Pop3Mailbox open(RemoteLink link, boolean plaintext, String login, String password) throws IOException {
    Pop3Mailbox m = new Pop3Mailbox(link);
    m.expectOk(link.line(), "greeting");
    if (!link.secure()) {
      List<String> capa = m.capabilities();
      if (capa.contains("STLS")) {
        m.command("STLS");
        link.startTls();
      } else if (!plaintext) {
        throw new IOException("the server offers no STLS: the password is not sent in the clear"
            + " (use pop3s://, or add the account with --plaintext)");
      }
    }
    m.command("USER " + login);
    try {
      m.command("PASS " + password);
    } catch (IOException e) {
      throw new IOException("login failed: " + e.getMessage().replaceFirst("^the server refused PASS: ", ""), e);
    }
    return m;
  }

  private List<String> capabilities() throws IOException {
    link.write("CAPA");
    String first = link.line();
    if (!first.startsWith("+OK")) {
      return List.of(); // RFC 2449: an old server without CAPA
    }
    List<String> out = new ArrayList<>();
    for (byte[] line : multiLine()) {
      out.add(new String(line, StandardCharsets.US_ASCII).strip().toUpperCase(Locale.ROOT).split(" ")[0]);
    }
    return out;
  }

  /** Sends a command and returns the text after {@code +OK}; {@code -ERR} is an IOException with the server's words. */
  private String command(String command) throws IOException {
    link.write(command);
    return expectOk(link.line(), command.startsWith("PASS ") ? "PASS" : command.split(" ", 2)[0]);
  }

  private String expectOk(String reply, String what) throws IOException {
    if (reply.startsWith("+OK")) {
      return reply.substring(3).strip();
    }
    throw new IOException("the server refused " + what + ": " + (reply.startsWith("-ERR") ? reply.substring(4).strip() : reply));
  }

  /** The lines of a multi-line response up to the lone dot, dot-stuffing undone (RFC 1939 §3). */
  private List<byte[]> multiLine() throws IOException {
    List<byte[]> out = new ArrayList<>();
    while (true) {
      byte[] l = link.rawLine();
      if (l == null) {
        throw new IOException("the server closed the connection inside a response");
      }
      if (l.length == 1 && l[0] == '.') {
        return out;
      }
      out.add(l.length > 0 && l[0] == '.' ? java.util.Arrays.copyOfRange(l, 1, l.length) : l);
    }
  }

  @Override
  public List<Message> list() throws IOException {
    Map<Long, String> uidl = new LinkedHashMap<>();
    try {
      command("UIDL");
    } catch (IOException e) {
      throw new IOException("the server does not support UIDL, so collecting could fetch messages twice: " + e.getMessage(), e);
    }
    for (byte[] line : multiLine()) {
      String[] f = new String(line, StandardCharsets.US_ASCII).strip().split(" +", 2);
      if (f.length == 2) {
        uidl.put(Long.parseLong(f[0]), f[1]);
      }
    }
    Map<Long, Long> sizes = new LinkedHashMap<>();
    command("LIST");
    for (byte[] line : multiLine()) {
      String[] f = new String(line, StandardCharsets.US_ASCII).strip().split(" +");
      if (f.length >= 2) {
        sizes.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
      }
    }
    List<Message> out = new ArrayList<>();
    uidl.forEach((n, id) -> out.add(new Message("u:" + id, n, sizes.getOrDefault(n, 0L))));
    return out;
  }

  @Override
  public byte[] fetch(Message m) throws IOException {
    command("RETR " + m.handle());
    ByteArrayOutputStream b = new ByteArrayOutputStream((int) Math.min(m.size() + 1024, 1 << 24));
    for (byte[] line : multiLine()) {
      b.write(line);
      b.write('\r');
      b.write('\n');
    }
    return b.toByteArray();
  }

  @Override
  public void delete(List<Message> ms) throws IOException {
    for (Message m : ms) {
      command("DELE " + m.handle());
    }
  }

  @Override
  public void commit() throws IOException {
    command("QUIT");
  }

  @Override
  public void close() {
    link.close();
  }
}
