package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt spam learn|stats} on a Maildir, an mbox and single files: counts, idempotence,
 * relearning, forgetting, per-user databases, and one-line errors for bad paths and options.
 */
class SpamCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
  }

  static String message(int i, String subject, String body) {
    return "From: Sender " + i + " <s" + i + "@elsewhere.test>\nTo: alice@example.test\nSubject: " + subject
        + "\nMessage-ID: <m" + i + "@elsewhere.test>\n\n" + body + "\n";
  }

  private Path maildir(String name, int from, int count) throws Exception {
    Path md = tmp.resolve(name);
    Files.createDirectories(md.resolve("cur"));
    Files.createDirectories(md.resolve("new"));
    Files.createDirectories(md.resolve("tmp"));
    for (int i = from; i < from + count; i++) {
      Files.writeString(md.resolve(i % 2 == 0 ? "cur" : "new").resolve("1700000" + i + ".M1P1.host:2,S"),
          message(i, "Offer " + i, "Cheap pills and replica watches, order now, number " + i));
    }
    Files.writeString(md.resolve("tmp").resolve("half-written"), message(999, "x", "y"));
    Files.writeString(md.resolve("dovecot-uidlist"), "3 V1 N1\n");
    return md;
  }

  @Test
  void learnsAMaildirOnceAndRelearnsItTheOtherWay() throws Exception {
    Path md = maildir("Junk", 1, 4);

    CliFixture.Result first = cli.ok("spam", "learn", "--spam", md.toString());
    assertThat(first.out().strip()).isEqualTo("spam: 4 learned, 0 relearned, 0 already known, 0 skipped (database: global)");
    CliFixture.Result again = cli.ok("spam", "learn", "--spam", md.toString());
    assertThat(again.out().strip()).isEqualTo("spam: 0 learned, 0 relearned, 4 already known, 0 skipped (database: global)");

    CliFixture.Result stats = cli.ok("spam", "stats");
    assertThat(stats.lines()).contains("database: global", "spam messages: 4", "ham messages: 0", "checksums of spam: 0");
    assertThat(stats.out()).containsPattern("(?m)^tokens: [1-9]\\d*$").containsPattern("(?m)^oldest learned: \\d{4}-");

    CliFixture.Result ham = cli.ok("spam", "learn", "--ham", md.resolve("cur").resolve("17000002.M1P1.host:2,S").toString());
    assertThat(ham.out().strip()).isEqualTo("ham: 0 learned, 1 relearned, 0 already known, 0 skipped (database: global)");
    assertThat(cli.ok("spam", "stats").lines()).contains("spam messages: 3", "ham messages: 1");

    CliFixture.Result forget = cli.ok("spam", "learn", "--forget", md.toString());
    assertThat(forget.out().strip()).isEqualTo("forgot: 4 forgotten, 0 not known, 0 skipped (database: global)");
    assertThat(cli.ok("spam", "stats").lines()).contains("spam messages: 0", "ham messages: 0", "tokens: 0");
  }

  @Test
  void learnsAnMboxSplitAtFromLinesWithQuotingUndone() throws Exception {
    String body = "Line one\n>From the desk of the president\nlast line";
    String mbox = "From sender@elsewhere.test Thu Jan  1 00:00:00 2026\n" + message(1, "first", body) + "\n"
        + "From sender@elsewhere.test Thu Jan  1 00:00:01 2026\n" + message(2, "second", "hello") + "\n"
        + "From sender@elsewhere.test Thu Jan  1 00:00:02 2026\n" + message(3, "third", "bye") + "\n";
    Path file = tmp.resolve("ham.mbox");
    Files.writeString(file, mbox);

    CliFixture.Result r = cli.ok("spam", "learn", "--ham", "--user", "Alice@Example.TEST", file.toString());
    assertThat(r.out().strip())
        .isEqualTo("ham: 3 learned, 0 relearned, 0 already known, 0 skipped (database: alice@example.test)");
    assertThat(cli.ok("spam", "stats", "--user", "alice@example.test").lines())
        .contains("database: alice@example.test", "ham messages: 3");
    assertThat(cli.ok("spam", "stats").lines()).contains("ham messages: 0");

    // the first message, as its own file with the quoting undone, is the same message
    Path single = tmp.resolve("one.eml");
    Files.writeString(single, message(1, "first", "Line one\nFrom the desk of the president\nlast line"));
    assertThat(cli.ok("spam", "learn", "--ham", "--user", "alice@example.test", single.toString()).out())
        .contains("0 learned, 0 relearned, 1 already known");
  }

  @Test
  void walksADirectoryTreeAndSkipsWhatIsNotMail() throws Exception {
    maildir("tree/alice/Maildir", 1, 2);
    maildir("tree/alice/Maildir/.Junk", 10, 3);
    Files.write(tmp.resolve("tree/picture.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n'});
    CliFixture.Result r = cli.ok("spam", "learn", "--spam", tmp.resolve("tree").toString());
    assertThat(r.out().strip()).isEqualTo("spam: 5 learned, 0 relearned, 0 already known, 1 skipped (database: global)");
  }

  @Test
  void badPathsAndOptionsAreOneLineErrors() throws Exception {
    CliFixture.Result missing = cli.run("spam", "learn", "--spam", tmp.resolve("nope").toString());
    assertThat(missing.status()).isNotZero();
    assertThat(missing.err().strip()).isEqualTo("postamt: no such file or directory: " + tmp.resolve("nope"));

    Files.createDirectories(tmp.resolve("empty"));
    CliFixture.Result empty = cli.run("spam", "learn", "--ham", tmp.resolve("empty").toString());
    assertThat(empty.status()).isNotZero();
    assertThat(empty.err().strip()).isEqualTo("postamt: no messages found in " + tmp.resolve("empty"));

    CliFixture.Result both = cli.run("spam", "learn", "--spam", "--ham", tmp.toString());
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err().lines().count()).isEqualTo(1);

    CliFixture.Result none = cli.run("spam", "learn", tmp.toString());
    assertThat(none.status()).isEqualTo(2);

    Path one = tmp.resolve("m.eml");
    Files.writeString(one, message(1, "s", "b"));
    CliFixture.Result badUser = cli.run("spam", "learn", "--spam", "--user", "nobody", one.toString());
    assertThat(badUser.status()).isNotZero();
    assertThat(badUser.err().strip()).startsWith("postamt: --user wants an address");
  }
}
