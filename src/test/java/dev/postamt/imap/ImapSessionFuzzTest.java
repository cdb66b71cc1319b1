package dev.postamt.imap;

import dev.postamt.store.SqliteMailStore;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postamt.store.MailStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole sessions on garbage: after login and SELECT, any further bytes must give tagged replies and
 * never an internal error, an escaped exception or a hang. The random test builds near-valid commands
 * from the grammar's words, which reach deeper than pure noise.
 */
class ImapSessionFuzzTest {
  static final String MULTIPART = "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n";
  static final String SETUP = "a LOGIN alice secret\r\n"
      + "b APPEND INBOX (\\Seen k) {" + MULTIPART.length() + "+}\r\n" + MULTIPART + "\r\n"
      + "c APPEND INBOX {12+}\r\nSubject: y\r\n\r\n"
      + "d SELECT INBOX\r\n";

  /** Runs one session over in-memory streams and returns what the server wrote. */
  static String session(Path dir, byte[] input) throws Exception {
    try (MailStore store = new SqliteMailStore(dir)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImapTransport t = transport(new ByteArrayInputStream(input), out);
      ImapSettings settings = new ImapSettings("fuzz", 8192, 1 << 20, Duration.ofMinutes(30), Duration.ofMinutes(1),
          1000, true, false, Duration.ZERO, 1000);
      new ImapSession(t, settings, store, (u, p) -> Optional.of("alice@example.test")).run();
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** A transport over in-memory streams: the client's bytes in, the server's out; no TLS. */
  static ImapTransport transport(InputStream in, OutputStream out) {
    return new ImapTransport() {
      @Override
      public InputStream in() {
        return in;
      }

      @Override
      public OutputStream out() {
        return out;
      }

      @Override
      public boolean isTls() {
        return false;
      }

      @Override
      public boolean canStartTls() {
        return false;
      }

      @Override
      public void startTls() {}
    };
  }

  @FuzzTest(maxDuration = "60s")
  void commandsAfterSelect(FuzzedDataProvider data) throws Exception {
    Path dir = Files.createTempDirectory("imapfuzz");
    try {
      byte[] tail = data.consumeRemainingAsBytes();
      byte[] all = (SETUP + new String(tail, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
      assertThat(session(dir, all)).doesNotContain("SERVERBUG");
    } finally {
      deleteTree(dir);
    }
  }

  static final List<String> WORDS = List.of("FETCH", "UID", "STORE", "SEARCH", "COPY", "MOVE", "EXPUNGE", "1", "2", "*",
      "1:*", "2:1", "3", "(", ")", "BODY[]", "BODY.PEEK[1.MIME]", "BODY[2.HEADER]", "<0.5>", "BODYSTRUCTURE", "ENVELOPE",
      "FLAGS", "+FLAGS", "-FLAGS.SILENT", "\\Seen", "\\Deleted", "kw", "NOT", "OR", "ALL", "TEXT", "x", "\"q\"",
      "INBOX", "Trash", "{1+}\r\nx", "STATUS", "(MESSAGES)", "LIST", "\"\"", "%", "SELECT", "EXAMINE", "CLOSE", "NOOP",
      "CHECK", "UNSELECT", "RENAME", "CREATE", "DELETE", "new", "(CHANGEDSINCE 1)", "(UNCHANGEDSINCE 2)", "MODSEQ",
      "RETURN", "(MIN MAX)", "CHARSET", "UTF-8", "HEADER", "Subject", "RFC822", "RFC822.TEXT", "SUBSCRIBE", "LSUB",
      "APPEND", "ENABLE", "CONDSTORE", "IDLE", "DONE", "ID", "NIL", "NAMESPACE", "BODY[TEXT]<1.1>", "LARGER", "100",
      "QRESYNC", "(QRESYNC (1 1 1:3 (1:2 1,3)))", "(CHANGEDSINCE 1 VANISHED)", "$", "(SAVE)", "(SAVE MIN)");

  @Test
  void randomCommandsFromGrammarWords() throws Exception {
    Random r = new Random(42);
    for (int round = 0; round < 8; round++) {
      StringBuilder b = new StringBuilder(SETUP);
      for (int i = 0; i < 60; i++) {
        b.append("t").append(i);
        int n = 1 + r.nextInt(6);
        for (int k = 0; k < n; k++) {
          b.append(' ').append(WORDS.get(r.nextInt(WORDS.size())));
        }
        b.append("\r\n");
      }
      Path dir = Files.createTempDirectory("imapfuzz");
      try {
        String out = session(dir, b.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(out).as(b.toString()).doesNotContain("SERVERBUG").contains("* 2 EXISTS", "d OK [READ-WRITE]");
      } finally {
        deleteTree(dir);
      }
    }
  }

  static void deleteTree(Path p) throws Exception {
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
