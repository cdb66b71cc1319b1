package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The two imaptest scripts that the imaptest we run cannot run as written: {@code urlauth2} and {@code
 * broken/search-intdate} have no {@code messages:} line, and since imaptest's commit 0de0dbf (2021) a
 * script without one gets no messages appended (before, the whole mbox was), so their first commands
 * meet an empty mailbox on every server. Here each is replayed with the messages imaptest used to append,
 * and every answer compared with the script's.
 *
 * <p>{@code search-intdate} also assumes the server shows INTERNALDATE in EET/EEST (its first lines
 * say so; imaptest moved it to {@code broken/} for that in 2010): SEARCH BEFORE/ON/SINCE compare the
 * date of the INTERNALDATE "disregarding time and timezone" (RFC 9051 §6.4.4), which is its date in the
 * zone FETCH shows it in, the server's. So that part runs with the JVM's zone set to Europe/Helsinki,
 * alone ({@link Isolated}), as the zone is the process's.
 */
@Isolated
class ImapImaptestUnappendedScriptsTest {
  static final Path DIR = ImapImaptestSortScriptsTest.DIR;

  @Test
  void searchIntdateInEet(@TempDir Path dir) throws Exception {
    String group = "broken/search-intdate";
    assumeTrue(Files.isRegularFile(DIR.resolve(group)), "imaptest scripts not found at " + DIR.toAbsolutePath());
    TimeZone before = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Europe/Helsinki"));
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      ImapImaptestSortScriptsTest.appendMbox(c, group);
      c.run("s SELECT INBOX", "* 16 EXISTS", "s OK *");
      List<String> script = Files.readAllLines(DIR.resolve(group), StandardCharsets.ISO_8859_1);
      int checked = 0;
      for (int i = 0; i < script.size(); i++) {
        String l = script.get(i);
        if (l.startsWith("ok search")) {
          List<String> got = c.run("t " + l.substring(3), "t OK *");
          assertThat(got.getFirst()).as(l).isEqualToIgnoringCase(script.get(i + 1));
          checked++;
        }
      }
      assertThat(checked).isEqualTo(28);
    } finally {
      TimeZone.setDefault(before);
    }
  }

  /**
   * urlauth2 as it reads, with its two messages: user 1 makes {@code authuser} URLs of them, user 2
   * fetches them, and after user 1's RESETKEY user 2 gets NIL.
   */
  @Test
  void urlauth2WithItsMessages(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isRegularFile(DIR.resolve("urlauth2")), "imaptest scripts not found at " + DIR.toAbsolutePath());
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient one = server.login("alice@example.test");
      ImapClient two = server.login("bob@example.test");
      one.run("c CREATE imaptest", "c OK *");
      String msg1 = "From: a@example.test\r\nSubject: one\r\n\r\nfirst body\r\n";
      String msg2 = "From: a@example.test\r\nSubject: two\r\n\r\nsecond\r\n";
      one.run("a APPEND imaptest " + ImapAppendExtensionsTest.lit(msg1), "a OK *");
      one.run("b APPEND imaptest " + ImapAppendExtensionsTest.lit(msg2), "b OK *");
      one.run("s SELECT imaptest", "s OK *");
      two.run("s CREATE imaptest", "s OK *"); // imaptest selects its mailbox on every connection
      two.run("t SELECT imaptest", "t OK *");
      List<String> fetched = one.run("1 FETCH 1:2 (UID BODY[])", "* 1 FETCH (UID * BODY[] {*", "* 2 FETCH (UID *", "1 OK *");
      String[] urls = new String[2];
      for (int i = 0; i < 2; i++) {
        Matcher m = Pattern.compile("\\* \\d FETCH \\(UID (\\d+) ").matcher(fetched.get(i));
        assertThat(m.lookingAt()).isTrue();
        urls[i] = ImapUrlAuthTest.gen(one, "imap://alice@example.test/imaptest/;uid=" + m.group(1) + ";urlauth=authuser");
      }
      two.runExactly("2 URLFETCH \"" + urls[0] + "\"", "* URLFETCH \"" + urls[0] + "\" {" + msg1.length() + "}\r\n" + msg1,
          "2 OK URLFETCH completed");
      two.runExactly("3 URLFETCH \"" + urls[1] + "\"", "* URLFETCH \"" + urls[1] + "\" {" + msg2.length() + "}\r\n" + msg2,
          "3 OK URLFETCH completed");
      one.run("4 RESETKEY imaptest", "4 OK *");
      for (String u : urls) {
        two.run("5 URLFETCH \"" + u + "\"", "* URLFETCH \"" + u + "\" NIL", "* NO [BADURL *", "5 OK URLFETCH completed");
      }
    }
  }
}
