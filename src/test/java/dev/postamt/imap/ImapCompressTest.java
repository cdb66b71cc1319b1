package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** COMPRESS=DEFLATE (RFC 4978): a client that deflates with java.util.zip, over plain TCP and TLS. */
class ImapCompressTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  /** From now on the client's streams are raw DEFLATE, flushed with SYNC_FLUSH after every command. */
  static void compress(ImapClient c) {
    c.out = new DeflaterOutputStream(c.out, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
    c.in = new InflaterInputStream(c.in, new Inflater(true));
  }

  static byte[] deflated(String text) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(b, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true)) {
      d.write(text.getBytes(StandardCharsets.UTF_8));
      d.flush();
    }
    return b.toByteArray();
  }

  /** A session's work after COMPRESS: SELECT, APPEND with a literal, FETCH, SORT, and the checks. */
  static void exercise(ImapClient c) throws IOException {
    c.run("c2 COMPRESS DEFLATE", "c2 NO [COMPRESSIONACTIVE] *");
    c.run("s SELECT INBOX", "* 0 EXISTS", "s OK *");
    String msg = "Subject: squeezed\r\n\r\n" + "la ".repeat(5000) + "\r\n";
    c.send("ap APPEND INBOX {" + msg.length() + "}");
    assertThat(c.line()).startsWith("+ ");
    c.send(msg);
    ImapClient.check(c.until("ap"), "* 1 EXISTS", "ap OK *");
    c.run("f FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
        "* 1 FETCH (RFC822.SIZE " + msg.length() + " BODY[HEADER.FIELDS (SUBJECT)] {*}\r\nSubject: squeezed\r\n\r\n)",
        "f OK *");
    c.runExactly("t SORT (SUBJECT) UTF-8 ALL", "* SORT 1", "t OK *");
    // limits still apply to the uncompressed bytes: a literal over APPENDLIMIT is refused unread
    c.run("big APPEND INBOX {999999999}", "big NO [TOOBIG] *");
    c.run("z LOGOUT", "* BYE *", "z OK *");
  }

  @Test
  void overPlainTcp() throws Exception {
    ImapClient c = server.connect();
    c.greeting();
    c.run("a CAPABILITY", "a OK *").forEach(l -> assertThat(l).doesNotContain("COMPRESS"));
    c.run("b COMPRESS DEFLATE", "b BAD *"); // not before login
    c.run("L LOGIN alice " + ImapTestServer.PASSWORD, "L OK [CAPABILITY *COMPRESS=DEFLATE*] *");
    c.run("x COMPRESS GZIP", "x BAD *");
    c.run("c COMPRESS DEFLATE", "c OK *");
    compress(c);
    exercise(c);
    c.close();
  }

  @Test
  void overTls() throws Exception {
    SSLSocket s = (SSLSocket) ImapStartTlsTest.trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort());
    try (ImapClient c = new ImapClient(s)) {
      c.greeting();
      c.run("L LOGIN alice " + ImapTestServer.PASSWORD, "L OK *");
      c.run("c COMPRESS DEFLATE", "c OK *");
      compress(c);
      exercise(c);
    }
  }

  /** Compressed bytes that arrive with the COMPRESS command (read ahead by the server) are inflated too. */
  @Test
  void pipelinedCommandAfterCompress() throws Exception {
    ImapClient c = server.login("alice");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write("c COMPRESS DEFLATE\r\n".getBytes(StandardCharsets.US_ASCII));
    b.write(deflated("n NOOP\r\n"));
    c.sendRaw(b.toByteArray());
    assertThat(c.line()).startsWith("c OK ");
    c.in = new InflaterInputStream(c.in, new Inflater(true));
    assertThat(c.line()).startsWith("n OK ");
  }

  /** IDLE's notifier writes from another thread; its updates come deflated like any other response. */
  @Test
  void idleUpdatesAndTheKickGoodbyeAreCompressed() throws Exception {
    ImapClient c = server.login("alice");
    c.run("c COMPRESS DEFLATE", "c OK *");
    compress(c);
    c.run("s SELECT INBOX", "* 0 EXISTS", "s OK *");
    c.send("i IDLE");
    assertThat(c.line()).startsWith("+ ");
    ImapClient other = server.login("alice");
    String msg = "Subject: while idling\r\n\r\nhi\r\n";
    other.run("ap APPEND INBOX {" + msg.length() + "+}\r\n" + msg, "ap OK *");
    assertThat(c.line()).isEqualTo("* 1 EXISTS");
    c.send("DONE");
    ImapClient.check(c.until("i"), "i OK *");
    // The administrator's kick, said by another thread while the session waits for a command.
    for (dev.postamt.net.Connection conn : server.plain.connections()) {
      if (conn.isCompressed()) {
        server.plain.goodbye(conn, dev.postamt.net.ConnectionHandler.Goodbye.KICK);
      }
    }
    assertThat(c.line()).isEqualTo("* BYE Disconnected by the administrator");
  }
}
