package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INPROGRESS (RFC 9585): a long SEARCH, SORT or THREAD reports how far it got. "Long" is the session's
 * {@code progressInterval}; here it is zero, so that every message looked at is reported.
 */
class ImapInprogressTest {
  static final String M = "Subject: s\r\n\r\nx\r\n";

  private static List<String> session(Path dir, Duration interval, String commands) throws Exception {
    StringBuilder in = new StringBuilder("a LOGIN alice secret\r\n");
    for (int i = 0; i < 3; i++) {
      in.append("b APPEND INBOX {").append(M.length()).append("+}\r\n").append(M).append("\r\n");
    }
    in.append("c SELECT INBOX\r\n").append(commands).append("z LOGOUT\r\n");
    try (MailStore store = new SqliteMailStore(dir)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImapSettings settings = new ImapSettings("t", 8192, 1 << 20, Duration.ofMinutes(30), Duration.ofMinutes(1),
          1000, true, false, Duration.ZERO, 1000);
      ImapSession s = new ImapSession(ImapSessionFuzzTest.transport(
          new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.US_ASCII)), out), settings, store,
          (u, p) -> Optional.of("alice@example.test"));
      s.progressInterval = interval;
      s.run();
      return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void longSearchesReportProgressWithTheirTag(@TempDir Path dir) throws Exception {
    List<String> lines = session(dir, Duration.ZERO,
        "s1 SEARCH SUBJECT s\r\ns2 UID SORT (SUBJECT) UTF-8 ALL\r\ns3 THREAD REFERENCES UTF-8 ALL\r\n");
    int s1 = lines.indexOf("* SEARCH 1 2 3");
    assertThat(lines.subList(s1 - 3, s1)).containsExactly(
        "* OK [INPROGRESS (\"s1\" 0 3)] Searching",
        "* OK [INPROGRESS (\"s1\" 1 3)] Searching",
        "* OK [INPROGRESS (\"s1\" 2 3)] Searching");
    assertThat(lines).contains("* OK [INPROGRESS (\"s2\" 2 3)] Searching", "* OK [INPROGRESS (\"s3\" 0 3)] Searching");
    // never a count that says the work is done (RFC 9585 §3), never after the result
    assertThat(lines).noneMatch(l -> l.contains(" 3 3)"));
    assertThat(lines.get(s1 + 1)).startsWith("s1 OK");
  }

  @Test
  void shortSearchesSayNothing(@TempDir Path dir) throws Exception {
    List<String> lines = session(dir, Duration.ofMinutes(1), "s1 SEARCH ALL\r\n");
    assertThat(lines).noneMatch(l -> l.contains("INPROGRESS ("));
    assertThat(lines).contains("* SEARCH 1 2 3");
  }
}
