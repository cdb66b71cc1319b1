package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.command_deadline}: a client that trickles a line a byte at a time, each byte well
 * within the idle time-out, is cut off once the line has taken longer than the deadline, in every
 * protocol; a client that merely waits between lines is not.
 */
class CommandDeadlineTest {
  static final long INTERVAL_MS = 150;
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, "pop3 = \"127.0.0.1:0\"\n[limits]\nidle_timeout = \"20s\"\ncommand_deadline = \"1s\"\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void smtpCommandLine() throws Exception {
    try (Socket s = connect("smtp")) {
      assertThat(readLine(s)).startsWith("220 ");
      long t0 = System.nanoTime();
      String answer = trickle(s, "EHLO slow.example.net\r\n");
      assertThat(answer).startsWith("421 4.4.2 mx.example.test Error: timeout exceeded");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
    }
  }

  @Test
  void smtpMessageDataLine() throws Exception {
    try (Socket s = connect("smtp")) {
      assertThat(readLine(s)).startsWith("220 ");
      send(s, "HELO client.example.net\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
      for (String expected : new String[] {"250 ", "250 ", "250 ", "354 "}) {
        assertThat(readLine(s)).startsWith(expected);
      }
      send(s, "Subject: a line that arrives whole\r\n");
      assertThat(trickle(s, "a line that does not arrive in time\r\n")).startsWith("421 4.4.2 ");
    }
  }

  @Test
  void smtpBdatChunkWithoutLineEnds() throws Exception {
    try (Socket s = connect("smtp")) {
      assertThat(readLine(s)).startsWith("220 ");
      send(s, "HELO client.example.net\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@example.test>\r\n");
      for (String expected : new String[] {"250 ", "250 ", "250 "}) {
        assertThat(readLine(s)).startsWith(expected);
      }
      send(s, "BDAT 100 LAST\r\n");
      assertThat(trickle(s, "x".repeat(100))).startsWith("421 4.4.2 ");
    }
  }

  @Test
  void lmtpCommandLine() throws Exception {
    try (Socket s = connect("lmtp")) {
      assertThat(readLine(s)).startsWith("220 ");
      assertThat(trickle(s, "LHLO slow.example.net\r\n")).startsWith("421 4.4.2 ");
    }
  }

  @Test
  void imapCommandLine() throws Exception {
    try (Socket s = connect("imap")) {
      assertThat(readLine(s)).startsWith("* OK ");
      assertThat(trickle(s, "a1 CAPABILITY and then some more\r\n")).startsWith("* BYE Command not received in time");
    }
  }

  @Test
  void pop3CommandLine() throws Exception {
    try (Socket s = connect("pop3")) {
      assertThat(readLine(s)).startsWith("+OK ");
      assertThat(trickle(s, "CAPA and then some more words\r\n")).startsWith("-ERR Command not received in time");
    }
  }

  @Test
  void waitingBetweenLinesIsGovernedByTheIdleTimerOnly() throws Exception {
    try (Socket s = connect("imap")) {
      assertThat(readLine(s)).startsWith("* OK ");
      Thread.sleep(1500); // longer than the deadline, shorter than the idle time-out
      send(s, "a1 NOOP\r\n");
      assertThat(readLine(s)).startsWith("a1 OK");
    }
  }

  static Socket connect(String service) throws IOException {
    Socket s = new Socket("127.0.0.1", t.port(service));
    s.setSoTimeout(15_000);
    return s;
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII).strip();
  }

  /**
   * Sends {@code text} a byte every {@value #INTERVAL_MS} ms until the server answers (or the text is
   * out), then returns everything the server says until it closes the connection.
   */
  static String trickle(Socket s, String text) throws Exception {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    for (byte c : text.getBytes(StandardCharsets.US_ASCII)) {
      if (in.available() > 0) {
        break;
      }
      try {
        out.write(c);
        out.flush();
      } catch (IOException closed) {
        break;
      }
      Thread.sleep(INTERVAL_MS);
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      in.transferTo(b);
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived is the answer
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
