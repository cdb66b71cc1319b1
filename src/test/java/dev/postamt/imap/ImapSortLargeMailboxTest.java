package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SORT over a mailbox large enough that {@link SortFieldCache} reads its headers on several threads
 * side by side ({@link SortFieldCache#BATCH} messages at a time): the answers must be those of the
 * RFC 5256 rules, computed here from what each message was made with. The messages are put into the
 * Maildir as another program would (as bench/imap-sort does), with modification times in their order,
 * so that message i gets UID and sequence number i + 1.
 */
class ImapSortLargeMailboxTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  record Made(int msn, String baseSubject, long sentSecond, String fromMailbox) {}

  static final String[] WORDS = {"budget", "Release", "lunch", "REPORT", "travel", "zebra", "apple", "Apple pie",
      "minutes", "x", "status update", "party"};
  static final String[] LEADERS = {"", "Re: ", "RE: re: ", "Fwd: ", "[list] Re: ", "Fw: ", "[team] "};

  List<Made> fill(int count) throws Exception {
    Path cur = dev.postamt.store.MailboxLayout.maildir(server.dataDir, "alice@example.test").resolve("cur");
    Files.createDirectories(cur);
    Files.createDirectories(cur.resolveSibling("new"));
    Files.createDirectories(cur.resolveSibling("tmp"));
    Random rnd = new Random(5256);
    DateTimeFormatter rfc5322 = DateTimeFormatter.RFC_1123_DATE_TIME;
    long start = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
    List<Made> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String word = WORDS[rnd.nextInt(WORDS.length)];
      String subject = LEADERS[rnd.nextInt(LEADERS.length)] + (rnd.nextInt(5) == 0 ? "=?utf-8?q?" + word.replace(' ', '_') + "?=" : word)
          + (rnd.nextInt(6) == 0 ? " (fwd)" : "");
      long sent = start + rnd.nextInt(30 * 86400);
      String from = "p" + rnd.nextInt(40);
      StringBuilder m = new StringBuilder();
      if (rnd.nextInt(10) == 0) {
        // a header section longer than one read, as real mail with many Received fields has
        m.append("X-Pad: ").append("r".repeat(SortHeader.CHUNK + rnd.nextInt(3000))).append("\r\n");
      }
      m.append("From: Person <").append(from).append("@example.test>\r\n")
          .append("Subject: ").append(subject).append("\r\n")
          .append("Date: ").append(rfc5322.format(Instant.ofEpochSecond(sent).atOffset(ZoneOffset.ofHours(rnd.nextInt(5) - 2))))
          .append("\r\n\r\nbody of ").append(i).append("\r\n");
      byte[] bytes = m.toString().getBytes(StandardCharsets.US_ASCII);
      Path f = cur.resolve((1_700_000_000 + i) + ".M" + i + "P1.sorttest:2,");
      Files.write(f, bytes);
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L + 1000L * i));
      made.add(new Made(i + 1, word.toUpperCase(java.util.Locale.ROOT), sent, from.toUpperCase(java.util.Locale.ROOT)));
    }
    return made;
  }

  static String sortLine(List<Made> made, Comparator<Made> order) {
    StringBuilder b = new StringBuilder("* SORT");
    made.stream().sorted(order.thenComparingInt(Made::msn)).forEach(m -> b.append(' ').append(m.msn()));
    return b.toString();
  }

  @Test
  void sortsAMailboxReadOnManyThreadsAsTheRulesSay() throws Exception {
    int count = 6 * SortFieldCache.BATCH + 17;
    List<Made> made = fill(count);
    ImapClient c = server.login("alice");
    c.run("s SELECT INBOX", "* " + count + " EXISTS", "s OK *");
    String bySubject = sortLine(made, Comparator.comparing(Made::baseSubject));
    c.runExactly("a SORT (SUBJECT) UTF-8 ALL", bySubject, "a OK *");
    c.runExactly("b SORT (DATE) UTF-8 ALL", sortLine(made, Comparator.comparingLong(Made::sentSecond)), "b OK *");
    c.runExactly("c SORT (FROM REVERSE DATE) UTF-8 ALL",
        sortLine(made, Comparator.comparing(Made::fromMailbox).thenComparing(Comparator.comparingLong(Made::sentSecond).reversed())),
        "c OK *");
    // a second session asks again: the answer comes from the shared cache and is the same
    ImapClient d = server.login("alice");
    d.run("s EXAMINE INBOX", "s OK *");
    d.runExactly("a SORT (SUBJECT) UTF-8 ALL", bySubject, "a OK *");
  }

  @Test
  void aPartOfTheMailboxIsReadAndThenTheRest() throws Exception {
    int count = 3 * SortFieldCache.BATCH;
    List<Made> made = fill(count);
    ImapClient c = server.login("alice");
    c.run("s SELECT INBOX", "s OK *");
    List<Made> firstHalf = made.subList(0, count / 2);
    c.runExactly("a SORT (SUBJECT) UTF-8 1:" + (count / 2), sortLine(firstHalf, Comparator.comparing(Made::baseSubject)), "a OK *");
    c.runExactly("b SORT (SUBJECT) UTF-8 ALL", sortLine(made, Comparator.comparing(Made::baseSubject)), "b OK *");
  }
}
