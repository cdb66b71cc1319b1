package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays imaptest's {@code search-partial} and {@code sort-partial} groups (RFC 5267 §4.4 PARTIAL, which
 * RFC 9394 extends) without imaptest, as {@link ImapImaptestSortScriptsTest} does the SORT groups (the
 * {@code search-context-update*} groups are transcripts in {@link ImapContextTest}). {@code ok fetch n uid} lines set {@code $uidn} for the lines after them; {@code bad} lines
 * must be answered BAD.
 */
class ImapImaptestPartialScriptsTest {
  private static final Pattern FETCH_UID = Pattern.compile("\\* (\\d+) FETCH \\(UID (\\d+)\\)");

  @ParameterizedTest
  @ValueSource(strings = {"search-partial", "sort-partial"})
  void group(String group, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path scripts = ImapImaptestSortScriptsTest.DIR;
    assumeTrue(Files.isRegularFile(scripts.resolve(group)), "imaptest scripts not found at " + scripts.toAbsolutePath());
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      ImapImaptestSortScriptsTest.appendMbox(c, group);
      c.run("s SELECT INBOX", "s OK *");
      List<String> script = Files.readAllLines(scripts.resolve(group), StandardCharsets.ISO_8859_1);
      Map<String, String> vars = new HashMap<>();
      int checked = 0;
      for (int i = 0; i < script.size(); i++) {
        String l = script.get(i);
        if (l.startsWith("bad ")) {
          c.run("t " + l.substring(4), "t BAD *");
          checked++;
        } else if (l.startsWith("ok fetch")) {
          Matcher m = FETCH_UID.matcher(c.run("t " + l.substring(3), "t OK *").getFirst());
          assertThat(m.matches()).isTrue();
          vars.put("$uid" + m.group(1), m.group(2));
        } else if (l.startsWith("ok store") || l.startsWith("ok expunge")) {
          c.run("t " + l.substring(3), "t OK *");
        } else if (l.startsWith("ok search") || l.startsWith("ok uid search") || l.startsWith("ok sort")) {
          String expected = script.get(i + 1).replace("$tag", "\"t\"");
          for (var v : vars.entrySet()) {
            expected = expected.replace(v.getKey(), v.getValue());
          }
          List<String> got = c.run("t " + l.substring(3), "t OK *");
          assertThat(got.getFirst()).as(l).isEqualToIgnoringCase(expected);
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(5);
    }
  }
}
