package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the SORT, THREAD and ESORT groups of Dovecot's imaptest scripts ({@code
 * ../shared/testdata/imaptest/tests}, when that directory is there) without imaptest: each group's
 * mbox is APPENDed with the internal dates of its {@code From } lines, then each {@code ok sort|thread}
 * command is sent and its first response line compared with the script's (case-insensitive, {@code
 * $tag} filled in); {@code ok store} / {@code ok expunge} lines are run too.
 */
class ImapImaptestSortScriptsTest {
  static final Path DIR = Path.of("..", "shared", "testdata", "imaptest", "tests");
  private static final Pattern FROM_LINE = Pattern.compile(
      "(?m)^From \\S+\\s+\\w{3} (\\w{3}) +(\\d+) (\\d\\d:\\d\\d:\\d\\d) (\\d{4})( [+-]\\d{4})?$");

  @ParameterizedTest
  @ValueSource(strings = {"sort-subject", "sort-addresses", "sort-date", "sort-arrival", "sort-size",
      "sort-display-from", "sort-display-to", "thread", "thread2", "thread3", "thread4", "thread6",
      "thread-orderedsubject", "thread-orderedsubject2", "esort"})
  void group(String group, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assumeTrue(Files.isRegularFile(DIR.resolve(group)), "imaptest scripts not found at " + DIR.toAbsolutePath());
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      appendMbox(c, group);
      c.run("s SELECT INBOX", "s OK *");
      List<String> script = Files.readAllLines(DIR.resolve(group), StandardCharsets.ISO_8859_1);
      int checked = 0;
      for (int i = 0; i < script.size(); i++) {
        String l = script.get(i);
        if (l.startsWith("ok store") || l.startsWith("ok expunge")) {
          c.run("t " + l.substring(3), "t OK *");
        } else if (l.startsWith("ok sort") || l.startsWith("ok thread")) {
          String expected = script.get(i + 1).replace("$tag", "\"t\"");
          List<String> got = c.run("t " + l.substring(3), "t OK *");
          assertThat(got.getFirst()).as(l).isEqualToIgnoringCase(expected);
          checked++;
        }
      }
      assertThat(checked).isPositive();
    }
  }

  /** APPENDs the group's mbox (or default.mbox) to INBOX, each message with its {@code From } line's date. */
  static void appendMbox(ImapClient c, String group) throws Exception {
    Path mbox = Files.exists(DIR.resolve(group + ".mbox")) ? DIR.resolve(group + ".mbox") : DIR.resolve("default.mbox");
    String text = Files.readString(mbox, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    List<String> dates = new ArrayList<>();
    Matcher fm = FROM_LINE.matcher(text);
    while (fm.find()) {
      dates.add(String.format("%02d-%s-%s %s %s", Integer.parseInt(fm.group(2)), fm.group(1), fm.group(4),
          fm.group(3), fm.group(5) == null ? "+0000" : fm.group(5).strip()));
    }
    int k = 0;
    for (String part : ("\n" + text).split("\nFrom [^\n]*\n")) {
      if (part.isBlank()) {
        continue;
      }
      String m = part.endsWith("\n\n") ? part.substring(0, part.length() - 1) : part; // the separator line
      byte[] b = m.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      c.sendRaw(("ap APPEND INBOX \"" + dates.get(k++) + "\" {" + b.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
      c.sendRaw(b);
      c.send("");
      ImapClient.check(c.until("ap"), "ap OK *");
    }
  }
}
