package dev.postamt.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.postamt.admin.Admin;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus as mbox files (INBOX and a subfolder, some messages with flags and keywords) imported and
 * exported again gives the same messages byte for byte, except the From_ line (whose date stays), and
 * a Maildir export imported into another user exports to the same mbox.
 */
class ImportExportTest {
  private static final Path CORPUS = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));
  private static final Pattern FLAG_HEADER =
      Pattern.compile("(?im)^(status|x-status|x-keywords|x-uid|x-imap|x-imapbase|content-length):");

  @TempDir Path tmp;

  /** One message as it goes into the mbox: its From_ line and its body, quoted, with flag headers. */
  record Expected(String fromLine, String quoted) {}

  @Test
  void corpusRoundTripsThroughMboxAndMaildir() throws Exception {
    assumeThat(Files.isDirectory(CORPUS.resolve("ham"))).as("corpus at " + CORPUS).isTrue();
    Path in = tmp.resolve("in");
    List<Expected> inbox = build(CORPUS.resolve("ham"), 200, 0);
    List<Expected> spam = build(CORPUS.resolve("spam"), 100, 3);
    write(in.resolve("INBOX"), inbox);
    write(in.resolve("Lists.sbd").resolve("spam"), spam);
    Files.writeString(in.resolve("INBOX.msf"), "// Thunderbird's summary file, not an mbox");

    try (TestServer t = TestServer.start(tmp.resolve("srv"))) {
      Admin admin = new Admin(t.config);
      MailboxTransfer.Report imported = admin.transfers().importMail("alice@example.test", "mbox", in);
      assertThat(imported.ok()).as("%s", imported).isTrue();
      assertThat(imported.folders()).extracting(MailboxTransfer.FolderReport::folder)
          .containsExactly("INBOX", "Lists/spam");
      assertThat(imported.folders()).extracting(MailboxTransfer.FolderReport::messages).containsExactly(200, 100);
      assertThat(imported.notes()).anyMatch(n -> n.contains("INBOX.msf"));

      Path out = tmp.resolve("out");
      MailboxTransfer.Report exported = admin.transfers().exportMail("alice@example.test", "mbox", out);
      assertThat(exported.ok()).as("%s", exported).isTrue();
      assertThat(exported.folders().stream().filter(f -> f.folder().equals("INBOX")).findFirst().orElseThrow()
          .fileSha256()).isEqualTo(imported.folders().getFirst().fileSha256());
      assertSameMessages(out.resolve("INBOX"), inbox);
      assertSameMessages(out.resolve("Lists.sbd").resolve("spam"), spam);

      Path maildir = tmp.resolve("maildir");
      assertThat(admin.transfers().exportMail("alice@example.test", "maildir", maildir).ok()).isTrue();
      assertThat(maildir.resolve(".Lists.spam/cur")).isDirectory();
      MailboxTransfer.Report intoBob = admin.transfers().importMail("bob@example.test", "maildir", maildir);
      assertThat(intoBob.ok()).isTrue();
      Path bobOut = tmp.resolve("bob-out");
      assertThat(admin.transfers().exportMail("bob@example.test", "mbox", bobOut).ok()).isTrue();
      for (String f : List.of("INBOX", "Lists.sbd/spam")) {
        // The Maildir import takes messages in date order; as sets, every byte and date is the same.
        assertThat(chunks(bobOut.resolve(f), true)).containsExactlyInAnyOrderElementsOf(chunks(out.resolve(f), true));
      }
    }
  }

  /** The first {@code n} corpus files without CR or flag headers, LF-terminated; every {@code k}th gets flags. */
  private static List<Expected> build(Path dir, int n, int salt) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    }
    List<Expected> out = new ArrayList<>();
    for (Path f : files) {
      if (out.size() == n) {
        break;
      }
      String m = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      String fromLine = "From corpus@example.org  Thu Aug 22 12:36:23 2002";
      if (m.startsWith("From ")) {
        fromLine = m.substring(0, m.indexOf('\n'));
        m = m.substring(m.indexOf('\n') + 1);
      }
      int headerEnd = m.indexOf("\n\n");
      if (m.indexOf('\r') >= 0 || headerEnd < 0 || FLAG_HEADER.matcher(m.substring(0, headerEnd + 1)).find()) {
        continue;
      }
      if (!m.endsWith("\n")) {
        m += "\n";
      }
      int i = out.size() + salt;
      StringBuilder flags = new StringBuilder();
      if (i % 3 == 0) {
        flags.append("Status: RO\n");
      }
      if (i % 7 == 0) {
        flags.append("X-Status: AF\n");
      }
      if (i % 11 == 0) {
        flags.append("X-Keywords: $Work todo\n");
      }
      String withFlags = m.substring(0, headerEnd + 1) + flags + m.substring(headerEnd + 1);
      out.add(new Expected(fromLine, quote(withFlags) + "\n"));
    }
    return out;
  }

  /** mboxrd: every {@code >*From } line gets one more {@code >}. */
  private static String quote(String m) {
    return Pattern.compile("(?m)^(>*From )").matcher(m).replaceAll(">$1");
  }

  private static void write(Path file, List<Expected> messages) throws Exception {
    Files.createDirectories(file.getParent());
    StringBuilder b = new StringBuilder();
    for (Expected e : messages) {
      b.append(e.fromLine()).append('\n').append(e.quoted());
    }
    Files.write(file, b.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Each message of an mbox file as written: From_ line (or only its date) and the rest. */
  private static List<String> chunks(Path mbox, boolean keepDate) throws Exception {
    String s = new String(Files.readAllBytes(mbox), StandardCharsets.ISO_8859_1);
    List<String> out = new ArrayList<>();
    for (String part : s.split("(?m)^(?=From )")) {
      if (part.isEmpty()) {
        continue;
      }
      int nl = part.indexOf('\n');
      out.add((keepDate ? date(part.substring(0, nl)) + "\n" : "") + part.substring(nl + 1));
    }
    return out;
  }

  /** The asctime date at the end of a From_ line, spaces collapsed. */
  private static String date(String fromLine) {
    String[] w = fromLine.trim().split("\\s+");
    return String.join(" ", List.of(w).subList(w.length - 5, w.length)).toLowerCase(Locale.ROOT);
  }

  private static void assertSameMessages(Path exported, List<Expected> expected) throws Exception {
    List<String> got = chunks(exported, false);
    List<String> dates = chunks(exported, true).stream().map(c -> c.substring(0, c.indexOf('\n'))).toList();
    assertThat(got).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(got.get(i)).as("message %d", i).isEqualTo(expected.get(i).quoted());
      assertThat(dates.get(i)).as("date of message %d", i).isEqualTo(date(expected.get(i).fromLine()));
    }
  }
}
