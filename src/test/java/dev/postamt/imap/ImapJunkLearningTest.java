package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.bayes.BayesStore;
import dev.postamt.filter.bayes.SqliteBayesStore;
import dev.postamt.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moving a message into Junk over IMAP learns it as spam, out of Junk (not into Trash) as ham; the
 * learning runs after the command, so the test waits (with a deadline) for the database to show it.
 */
class ImapJunkLearningTest {
  @RegisterExtension static final TestServer t = TestServer.create();

  private static final String MESSAGE = "From: Sender <sender@elsewhere.test>\r\nTo: alice@example.test\r\n"
      + "Subject: Cheap watches, best prices\r\nMessage-ID: <junk-1@elsewhere.test>\r\n\r\n"
      + "Buy cheap replica watches today, limited offer, click the link below to order now.\r\n";

  @Test
  void moveIntoJunkLearnsSpamAndOutOfJunkRelearnsHam() throws Exception {
    ImapClient c = t.imapLogin("alice@example.test");
    c.run("a APPEND INBOX {" + MESSAGE.length() + "+}\r\n" + MESSAGE, "a OK *");
    c.run("s SELECT INBOX", "s OK *");
    c.run("m UID MOVE 1 Junk", "m OK *");
    assertThat(await(n -> n.spam() == 1)).isEqualTo(new BayesStore.Counts(1, 0));

    c.run("j SELECT Junk", "j OK *");
    c.run("b UID MOVE 1 INBOX", "b OK *");
    assertThat(await(n -> n.ham() == 1)).isEqualTo(new BayesStore.Counts(0, 1));

    // into Trash from Junk teaches nothing; COPY into Junk teaches spam again (relearned)
    c.run("s2 SELECT INBOX", "s2 OK *");
    c.run("c UID COPY 2 Junk", "c OK *");
    assertThat(await(n -> n.spam() == 1)).isEqualTo(new BayesStore.Counts(1, 0));
    c.run("j2 SELECT Junk", "j2 OK *");
    c.run("t UID MOVE 1:* Trash", "t OK *");
    c.run("n NOOP", "n OK *");
    try (SqliteBayesStore store = SqliteBayesStore.open(t.config.dataDir())) {
      assertThat(store.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 0));
      // without bayes_per_user the mover's own database learns too (ready for when it is turned on)
      assertThat(store.messages("alice@example.test")).isEqualTo(new BayesStore.Counts(1, 0));
    }
  }

  @Test
  void whatAMoveTeaches() {
    var inbox = box("INBOX", null);
    var junk = box("Junk", "\\Junk");
    var spamFolder = box("Spam", "\\Junk");
    var trash = box("Trash", "\\Trash");
    var archive = box("Archive", "\\Archive");
    assertThat(JunkLearning.verdict(inbox, junk)).contains(true);
    assertThat(JunkLearning.verdict(archive, spamFolder)).contains(true);
    assertThat(JunkLearning.verdict(junk, inbox)).contains(false);
    assertThat(JunkLearning.verdict(spamFolder, archive)).contains(false);
    assertThat(JunkLearning.verdict(junk, trash)).isEmpty();
    assertThat(JunkLearning.verdict(junk, spamFolder)).isEmpty();
    assertThat(JunkLearning.verdict(inbox, archive)).isEmpty();
    assertThat(JunkLearning.verdict(inbox, trash)).isEmpty();
  }

  private static dev.postamt.store.MailboxInfo box(String name, String specialUse) {
    return new dev.postamt.store.MailboxInfo(1, name, 1, 1, 1, java.util.Optional.ofNullable(specialUse), 1);
  }

  /** The global counts once {@code done} holds for them, polling the database until a deadline. */
  private static BayesStore.Counts await(Predicate<BayesStore.Counts> done) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    try (SqliteBayesStore store = SqliteBayesStore.open(t.config.dataDir())) {
      while (true) {
        BayesStore.Counts n = store.messages(BayesStore.GLOBAL);
        if (done.test(n) || Instant.now().isAfter(deadline)) {
          return n;
        }
        Thread.onSpinWait();
        Thread.sleep(20);
      }
    }
  }
}
