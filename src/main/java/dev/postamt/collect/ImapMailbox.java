package dev.postamt.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A small IMAP4rev1 client (RFC 3501) for collecting the remote INBOX: STARTTLS (§6.2.1), LOGIN, SELECT
 * (the UIDVALIDITY of §2.3.1.1 makes the ids), {@code UID FETCH 1:* (UID RFC822.SIZE)} for the list,
 * {@code UID FETCH n BODY.PEEK[]} for a message (PEEK: collecting keeps the remote \Seen flag as it was),
 * {@code UID STORE +FLAGS.SILENT (\Deleted)} and {@code UID EXPUNGE} (RFC 4315) or EXPUNGE to delete.
 * Responses are read as lines with their literals ({@code {n}}); a message is one literal.
 */
final class ImapMailbox implements RemoteMailbox {
  private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)\\]", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
  private static final Pattern FETCH_UID = Pattern.compile("^\\* \\d+ FETCH \\(.*\\bUID (\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE = Pattern.compile("\\bRFC822\\.SIZE (\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?\\}$");
  /** Literals in other responses than a message's are small (a mailbox name, a flag). */
  private static final int SMALL_LITERAL = 1 << 20;

  /** One response: its text, each literal replaced by {@code \0i\0}, and the literals' bytes. */
  private record Response(String text, List<byte[]> literals) {}

  private final RemoteLink link;
  private int tag;
  private long uidValidity;
  private long exists;
  private boolean uidPlus;
  private boolean idle;
  private final List<Long> deleted = new ArrayList<>();

  private ImapMailbox(RemoteLink link) {
    this.link = link;
  }

  static ImapMailbox open(RemoteLink link, boolean plaintext, String login, String password) throws IOException {
    ImapMailbox m = new ImapMailbox(link);
    Response greeting = m.read(SMALL_LITERAL);
    String g = greeting.text().toUpperCase(Locale.ROOT);
    if (!g.startsWith("* OK") && !g.startsWith("* PREAUTH")) {
      throw new IOException("not an IMAP server greeting: " + greeting.text());
    }
    if (!link.secure()) {
      boolean starttls = m.capabilities().contains("STARTTLS");
      if (starttls) {
        m.command("STARTTLS", SMALL_LITERAL);
        link.startTls();
      } else if (!plaintext) {
        throw new IOException("the server offers no STARTTLS: the password is not sent in the clear"
            + " (use imaps://, or add the account with --plaintext)");
      }
    }
    if (!g.startsWith("* PREAUTH")) {
      try {
        m.command("LOGIN " + quote(login) + " " + quote(password), SMALL_LITERAL);
      } catch (IOException e) {
        throw new IOException("login failed: " + e.getMessage().replaceFirst("^the server refused LOGIN: ", ""), e);
      }
    }
    List<String> caps = m.capabilities();
    m.uidPlus = caps.contains("UIDPLUS");
    m.idle = caps.contains("IDLE");
    for (Response r : m.command("SELECT INBOX", SMALL_LITERAL)) {
      Matcher v = UIDVALIDITY.matcher(r.text());
      if (v.find()) {
        m.uidValidity = Long.parseLong(v.group(1));
      }
      Matcher e = EXISTS.matcher(r.text());
      if (e.find()) {
        m.exists = Long.parseLong(e.group(1));
      }
    }
    if (m.uidValidity == 0) {
      throw new IOException("the server sent no UIDVALIDITY for INBOX, so collecting could fetch messages twice");
    }
    return m;
  }

  /** A quoted string (RFC 3501 §4.3); CR and LF cannot be in one and are refused when the account is added. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private List<String> capabilities() throws IOException {
    List<String> out = new ArrayList<>();
    for (Response r : command("CAPABILITY", SMALL_LITERAL)) {
      if (r.text().regionMatches(true, 0, "* CAPABILITY ", 0, 13)) {
        for (String c : r.text().substring(13).split(" ")) {
          out.add(c.toUpperCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  @Override
  public List<Message> list() throws IOException {
    List<Message> out = new ArrayList<>();
    if (exists == 0) {
      return out;
    }
    for (Response r : command("UID FETCH 1:* (UID RFC822.SIZE)", SMALL_LITERAL)) {
      Matcher u = FETCH_UID.matcher(r.text());
      if (u.find()) {
        Matcher s = SIZE.matcher(r.text());
        long uid = Long.parseLong(u.group(1));
        out.add(new Message(uidValidity + "/" + uid, uid, s.find() ? Long.parseLong(s.group(1)) : 0));
      }
    }
    return out;
  }

  @Override
  public byte[] fetch(Message m) throws IOException {
    long max = Math.max(m.size(), 0) + SMALL_LITERAL;
    for (Response r : command("UID FETCH " + m.handle() + " BODY.PEEK[]", max)) {
      Matcher u = FETCH_UID.matcher(r.text());
      if (u.find() && Long.parseLong(u.group(1)) == m.handle() && !r.literals().isEmpty()) {
        return r.literals().getLast();
      }
    }
    throw new IOException("the server sent no content for UID " + m.handle() + " (expunged meanwhile?)");
  }

  @Override
  public void delete(List<Message> ms) throws IOException {
    if (ms.isEmpty()) {
      return;
    }
    List<Long> uids = ms.stream().map(Message::handle).toList();
    command("UID STORE " + set(uids) + " +FLAGS.SILENT (\\Deleted)", SMALL_LITERAL);
    deleted.addAll(uids);
  }

  private static String set(List<Long> uids) {
    return uids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  @Override
  public void commit() throws IOException {
    if (!deleted.isEmpty()) {
      // RFC 4315 §2.1: only ours go; without UIDPLUS, EXPUNGE also removes what another client marked
      command(uidPlus ? "UID EXPUNGE " + set(deleted) : "EXPUNGE", SMALL_LITERAL);
      deleted.clear();
    }
    command("LOGOUT", SMALL_LITERAL);
  }

  /**
   * Waits in IDLE (RFC 2177) until the server announces a message (an {@code * n EXISTS}) or {@code
   * max} passes (RFC 2177 §3: re-issue at least every 29 minutes), then ends it with DONE.
   *
   * @return true when new mail was announced; false after {@code max}
   * @throws IOException also when the server does not offer IDLE
   */
  /** How many messages the INBOX held at SELECT or at the last announcement. */
  long exists() {
    return exists;
  }

  boolean idle(Duration max, Duration replyTimeout) throws IOException {
    if (!idle) {
      throw new IOException("the server does not offer IDLE");
    }
    String t = "c" + (++tag);
    link.write(t + " IDLE");
    Response first = read(SMALL_LITERAL);
    if (!first.text().startsWith("+")) {
      throw new IOException("the server refused IDLE: " + first.text());
    }
    boolean announced = false;
    link.readTimeout(max);
    try {
      while (true) {
        Response r = read(SMALL_LITERAL);
        Matcher e = EXISTS.matcher(r.text());
        // any EXISTS: the count changed, and after expunges a lower one can still mean new mail
        if (e.find()) {
          exists = Long.parseLong(e.group(1));
          announced = true;
          break;
        }
        if (r.text().regionMatches(true, 0, "* BYE", 0, 5)) {
          throw new IOException("the server closed the session: " + r.text());
        }
      }
    } catch (java.net.SocketTimeoutException quiet) {
      // max passed without news: DONE, and the caller idles again
    }
    link.readTimeout(replyTimeout);
    link.write("DONE");
    while (true) {
      Response r = read(SMALL_LITERAL);
      if (r.text().startsWith(t + " ")) {
        return announced;
      }
      Matcher e = EXISTS.matcher(r.text()); // mail that came while DONE was on its way counts too
      if (e.find()) {
        exists = Long.parseLong(e.group(1));
        announced = true;
      }
    }
  }

  /** Sends a command, returns the untagged responses; a NO or BAD is an IOException with the server's words. */
  private List<Response> command(String command, long maxLiteral) throws IOException {
    String t = "c" + (++tag);
    link.write(t + " " + command);
    List<Response> untagged = new ArrayList<>();
    while (true) {
      Response r = read(maxLiteral);
      if (r.text().startsWith(t + " ")) {
        String status = r.text().substring(t.length() + 1);
        if (!status.regionMatches(true, 0, "OK", 0, 2)) {
          throw new IOException("the server refused " + command.split(" ", 2)[0] + ": " + status);
        }
        return untagged;
      }
      if (r.text().regionMatches(true, 0, "* BYE", 0, 5) && !command.equals("LOGOUT")) {
        throw new IOException("the server closed the session: " + r.text());
      }
      if (!r.text().startsWith("+")) {
        untagged.add(r);
      }
    }
  }

  private Response read(long maxLiteral) throws IOException {
    StringBuilder text = new StringBuilder();
    List<byte[]> literals = new ArrayList<>();
    while (true) {
      byte[] raw = link.rawLine();
      if (raw == null) {
        throw new IOException("the server closed the connection");
      }
      String line = new String(raw, StandardCharsets.UTF_8);
      Matcher lit = LITERAL.matcher(line);
      if (!lit.find()) {
        return new Response(text.append(line).toString(), literals);
      }
      long n = Long.parseLong(lit.group(1));
      if (n > maxLiteral || n > Integer.MAX_VALUE - 16) {
        throw new IOException("the server sent a literal of " + n + " bytes, more than expected");
      }
      literals.add(link.bytes((int) n));
      text.append(line, 0, lit.start()).append('\0').append(literals.size() - 1).append('\0');
    }
  }

  @Override
  public void close() {
    link.close();
  }
}
