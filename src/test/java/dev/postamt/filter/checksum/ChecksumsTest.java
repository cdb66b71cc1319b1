package dev.postamt.filter.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checksums of known spam on SQLite: the store contract ({@link ChecksumStoreContract}: a learned spam's
 * near-copy matches, other mail does not, short texts are not hashed, forgetting removes the checksum),
 * the check switched off, and on the public corpus, checksums of the training spam do not hit the
 * held-out ham.
 */
class ChecksumsTest implements ChecksumStoreContract {
  @TempDir Path dir;
  private int n;

  @Override
  public ChecksumStore store() throws IOException {
    return SqliteChecksumStore.open(dir.resolve("data" + n++));
  }

  static final String SPAM = """
      Dear John Smith,

      Congratulations! You have been selected to receive a free vacation package to the beautiful islands
      of the Caribbean. This exclusive offer is available only to a small number of our valued customers
      and expires in 48 hours. To claim your prize, simply reply to this email with your full name,
      address and telephone number, and one of our travel specialists will contact you within 24 hours.
      Your reference number is 88412-A. Do not miss this once in a lifetime opportunity to relax on the
      white sand beaches with your family. Terms and conditions apply. To be removed from our mailing
      list, send an email with the word remove in the subject line.
      """;

  static ScannedMessage message(String id, String subject, String body) {
    String m = "From: offers@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + "@example.org>\r\n\r\n"
        + body.replace("\n", "\r\n");
    return ScannedMessage.of(m.getBytes(StandardCharsets.UTF_8));
  }

  static List<Symbol> scan(Checksums c, ScannedMessage m) throws IOException {
    Findings f = new Findings();
    c.check().check(new ScanInput(m, "", "", null, "", List.of(), List.of(), Authentication.NONE, Instant.now()), f);
    return f.all();
  }

  @Test
  void offAddsNothing() throws Exception {
    try (Checksums c = new Checksums(SqliteChecksumStore.open(dir), false, Clock.systemUTC())) {
      c.learnSpam(message("1", "Your prize", SPAM));
      assertThat(scan(c, message("2", "Your prize", SPAM))).isEmpty();
    }
  }

  @Test
  void checksumsOfTrainingSpamDoNotHitHeldOutHam() throws Exception {
    Path corpus = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));
    assumeTrue(Files.isDirectory(corpus.resolve("ham")), "corpus not present");
    List<Path> spam = split(corpus.resolve("spam"));
    List<Path> ham = split(corpus.resolve("ham"));
    int cut = spam.size() * 7 / 10;
    try (Checksums c = new Checksums(SqliteChecksumStore.open(dir), true, Clock.systemUTC())) {
      for (Path p : spam.subList(0, cut)) {
        c.learnSpam(ScannedMessage.of(Files.readAllBytes(p)));
      }
      int hamHits = 0;
      List<Path> heldOutHam = ham.subList(ham.size() * 7 / 10, ham.size());
      for (Path p : heldOutHam) {
        if (!scan(c, ScannedMessage.of(Files.readAllBytes(p))).isEmpty()) {
          hamHits++;
          System.out.println("checksums corpus: ham hit " + p.getFileName());
        }
      }
      int spamHits = 0;
      for (Path p : spam.subList(cut, spam.size())) {
        if (!scan(c, ScannedMessage.of(Files.readAllBytes(p))).isEmpty()) {
          spamHits++;
        }
      }
      System.out.printf(Locale.ROOT, "checksums corpus: %d stored; held-out spam hit %d of %d, ham hit %d of %d%n",
          c.store().count(), spamHits, spam.size() - cut, hamHits, heldOutHam.size());
      assertThat(hamHits).as("held-out ham matching a checksum of training spam").isLessThanOrEqualTo(heldOutHam.size() / 500);
      assertThat(spamHits).as("near-copies among the held-out spam").isPositive();
    }
  }

  private static List<Path> split(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      List<Path> all = new ArrayList<>(s.filter(p -> p.toString().endsWith(".eml")).sorted().toList());
      Collections.shuffle(all, new Random(20261204L));
      return all;
    }
  }

  /**
   * {@link SqliteChecksumStore#empty}, which lets a scan skip the hashing while nothing is learned: it
   * follows writes through the same connection and commits by another one (another process learning).
   */
  @Test
  void emptyFollowsOwnWritesAndOtherConnections() throws Exception {
    Path data = dir.resolve("shared");
    try (SqliteChecksumStore a = SqliteChecksumStore.open(data); SqliteChecksumStore b = SqliteChecksumStore.open(data)) {
      long[] sig = ChecksumStoreContract.signature(7);
      assertThat(a.empty()).isTrue();
      assertThat(a.empty()).as("asked again, nothing changed").isTrue();
      assertThat(a.add(sig, FuzzyHash.bands(sig), Instant.now())).isTrue();
      assertThat(a.empty()).as("after its own write").isFalse();
      assertThat(b.empty()).as("the other connection").isFalse();
      assertThat(b.remove(sig)).isTrue();
      assertThat(b.empty()).isTrue();
      assertThat(a.empty()).as("after a commit by the other connection").isTrue();
      assertThat(b.add(sig, FuzzyHash.bands(sig), Instant.now())).isTrue();
      assertThat(a.empty()).isFalse();
    }
  }

  /** A learned spam's near-copy still hits after the store was found empty once (the check asks empty() first). */
  @Test
  void theCheckHashesAgainOnceSomethingIsLearned() throws Exception {
    try (Checksums c = new Checksums(SqliteChecksumStore.open(dir.resolve("again")), true, Clock.systemUTC())) {
      assertThat(scan(c, message("1", "offer", SPAM))).isEmpty();
      assertThat(c.learnSpam(message("2", "offer", SPAM))).isTrue();
      assertThat(scan(c, message("3", "offer", SPAM.replace("John Smith", "Mary Jones"))))
          .extracting(Symbol::name).containsExactly(Checksums.SYMBOL);
    }
  }
}
