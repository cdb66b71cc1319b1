package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Literal limits: before login only small literals are invited (no pre-authentication memory
 * exhaustion), after login a large APPEND literal goes to a temporary file, not the heap.
 */
class ImapLiteralLimitsTest {
  @TempDir static Path dir;
  static ImapTestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ImapTestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void beforeLoginALargeSynchronisingLiteralIsRefusedWithoutAnInvitation() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      // 100 KB is far below the APPEND limit (10 MB here) but no user name or password is that long.
      List<String> reply = c.run("a LOGIN {100000}", "a NO [TOOBIG] *");
      assertThat(reply).noneMatch(l -> l.startsWith("+"));
      c.send("b LOGIN {5}");
      assertThat(c.line()).startsWith("+");
      c.send("alice {6}");
      assertThat(c.line()).startsWith("+");
      c.send(ImapTestServer.PASSWORD);
      assertThat(c.until("b")).last().asString().startsWith("b OK");
    }
  }

  @Test
  void beforeLoginALargeNonSynchronisingLiteralEndsTheSession() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.send("a LOGIN {100000+}");
      assertThat(c.line()).startsWith("* BYE");
      assertThat(c.line()).isNull();
    }
  }

  @Test
  void beforeLoginTheNumberOfLiteralsPerCommandIsBounded() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      StringBuilder id = new StringBuilder("a ID (");
      for (int i = 0; i < CommandReader.PRE_AUTH_LITERALS + 1; i++) {
        id.append(i == 0 ? "" : " ").append("{1+}\r\nx");
      }
      c.sendRaw((id + ")\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(c.line()).startsWith("* BYE");
    }
  }

  @Test
  void afterLoginALargeAppendGoesThroughAFileThatIsDeletedAfterwards() throws Exception {
    String body = "Subject: big\r\n\r\n" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n".repeat(8000);
    try (ImapClient c = server.login("alice")) {
      c.send("a APPEND INBOX {" + body.length() + "}");
      assertThat(c.line()).startsWith("+");
      c.sendRaw((body + "\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(c.until("a")).last().asString().startsWith("a OK [APPENDUID");
      c.run("b SELECT INBOX", "b OK *");
      List<String> fetched = c.run("c FETCH 1 RFC822.SIZE", "c OK *");
      assertThat(String.join("\n", fetched)).contains("RFC822.SIZE " + body.length());
    }
    assertThat(leftovers(server.dataDir.resolve("tmp"))).isEmpty();
  }

  @Test
  void aLargeAppendWithANulIsReencodedNotStoredRaw() throws Exception {
    // The NUL is noticed while the literal is spilled; the message then takes the re-encoding path.
    String part = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n".repeat(6000);
    String body = "Subject: nul\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + part + "a\0b\r\n";
    try (ImapClient c = server.login("bob")) {
      c.send("a APPEND INBOX {" + body.length() + "}");
      assertThat(c.line()).startsWith("+");
      c.sendRaw((body + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      assertThat(c.until("a")).last().asString().startsWith("a OK [APPENDUID");
      c.run("b SELECT INBOX", "b OK *");
      List<String> fetched = c.run("c FETCH 1 BODY.PEEK[HEADER.FIELDS (CONTENT-TRANSFER-ENCODING)]", "c OK *");
      assertThat(String.join("\n", fetched)).containsIgnoringCase("Content-Transfer-Encoding: base64");
    }
    assertThat(leftovers(server.dataDir.resolve("tmp"))).isEmpty();
  }

  @Test
  void aSpilledLiteralWhereAStringIsExpectedIsRefused() throws Exception {
    try (ImapClient c = server.login("alice")) {
      c.run("a SELECT INBOX", "a OK *");
      int n = CommandReader.SPILL + 10;
      c.sendRaw(("b SEARCH TEXT {" + n + "+}\r\n" + "q".repeat(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      c.check(c.until("b"), "b BAD Literal too large for this argument");
      c.run("c NOOP", "c OK *");
    }
    assertThat(leftovers(server.dataDir.resolve("tmp"))).isEmpty();
  }

  @Test
  void readerSpillsOnlyAfterLoginAndOnlyLargeLiterals() throws Exception {
    byte[] big = new byte[CommandReader.SPILL + 1];
    java.util.Arrays.fill(big, (byte) 'x');
    byte[] wire = concat("a APPEND INBOX {" + big.length + "+}\r\n", big, "\r\n");
    Path spill = dir.resolve("spill");
    CommandReader r = new CommandReader(new ByteArrayInputStream(wire), 8192, 10 << 20, spill);
    r.authenticated();
    Path file;
    try (CommandBytes cmd = r.read(() -> {})) {
      assertThat(cmd.bytes().length).isLessThan(100); // the message is not in memory
      Literal lit = cmd.spilled().values().iterator().next();
      assertThat(lit.spilled()).isTrue();
      assertThat(lit.size()).isEqualTo(big.length);
      Command.Append a = (Command.Append) new CommandParser(cmd).parse().command();
      try (InputStream in = a.message().open()) {
        assertThat(in.readAllBytes()).isEqualTo(big);
      }
      file = leftovers(spill).getFirst();
    }
    assertThat(file).doesNotExist();

    byte[] small = concat("a APPEND INBOX {5+}\r\n", "hello".getBytes(StandardCharsets.US_ASCII), "\r\n");
    r = new CommandReader(new ByteArrayInputStream(small), 8192, 10 << 20, spill);
    r.authenticated();
    try (CommandBytes cmd = r.read(() -> {})) {
      assertThat(cmd.spilled()).isEmpty();
    }
  }

  @Test
  void beforeLoginTheReaderRefusesALargeLiteralWithoutReadingIt() throws Exception {
    byte[] wire = "a LOGIN {60000000}\r\n".getBytes(StandardCharsets.US_ASCII);
    CommandReader r = new CommandReader(new ByteArrayInputStream(wire), 65536, 100 << 20, dir);
    boolean[] invited = {false};
    CommandReader.TooLongException e = org.junit.jupiter.api.Assertions.assertThrows(
        CommandReader.TooLongException.class, () -> r.read(() -> invited[0] = true));
    assertThat(invited[0]).isFalse();
    assertThat(e.fatal).isFalse();
    assertThat(e.tag).isEqualTo("a");
  }

  static byte[] concat(String head, byte[] body, String tail) {
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + body.length + t.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    System.arraycopy(t, 0, out, h.length + body.length, t.length);
    return out;
  }

  static List<Path> leftovers(Path d) throws Exception {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (var s = Files.list(d)) {
      return s.filter(p -> p.getFileName().toString().startsWith("imap-literal-")).toList();
    }
  }
}
