package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.bayes.BayesStore;
import dev.postamt.filter.bayes.SqliteBayesStore;
import dev.postamt.store.Account;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JMAP change of {@code mailboxIds} into the Junk Mailbox learns the message as spam, out of Junk (not
 * into Trash) as ham, and {@code Email/copy} into Junk learns spam too: what the webmail's spam buttons
 * send. The learning runs after the call, so the test polls the Bayes counts (what {@code postamt spam
 * stats} shows) until a deadline.
 */
class JmapJunkTrainingTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  private static final String USER = "alice@example.test";
  private static final String USING = "\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\"]";
  private static final String MESSAGE = "From: Sender <sender@elsewhere.test>\r\nTo: alice@example.test\r\n"
      + "Subject: Cheap watches, best prices\r\nMessage-ID: <jmap-junk-%d@elsewhere.test>\r\n\r\n"
      + "Buy cheap replica watches today, limited offer, click the link below to order now.\r\n";

  private static Map<String, Object> call(String calls) throws Exception {
    return HttpTestClient.of(t, "http", USER).jmap("{" + USING + ",\"methodCalls\":[" + calls + "]}");
  }

  private static String acc() {
    return Ids.account(USER);
  }

  private static String box(String name) {
    try (Account a = t.server.store().open(USER)) {
      return Ids.mailbox(a.mailbox(name).orElseThrow().id());
    }
  }

  /** The id of the only Email in {@code mailbox}. */
  private static String only(String mailbox) throws Exception {
    Map<String, Object> q = JmapTest.args(call("[\"Email/query\",{\"accountId\":\"" + acc() + "\",\"filter\":{\"inMailbox\":\""
        + box(mailbox) + "\"}},\"q\"]"), 0);
    @SuppressWarnings("unchecked")
    List<String> ids = (List<String>) q.get("ids");
    assertThat(ids).as("Emails in " + mailbox).hasSize(1);
    return ids.getFirst();
  }

  private static Map<String, Object> move(String id, String mailbox) throws Exception {
    Map<String, Object> r = JmapTest.args(call("[\"Email/set\",{\"accountId\":\"" + acc() + "\",\"update\":{\"" + id
        + "\":{\"mailboxIds\":{\"" + box(mailbox) + "\":true}}}},\"s\"]"), 0);
    assertThat(r.get("notUpdated")).as(r.toString()).isNull();
    return r;
  }

  @Test
  void movesIntoAndOutOfJunkTeachTheFilter() throws Exception {
    byte[] msg = MESSAGE.formatted(1).getBytes(StandardCharsets.US_ASCII);
    try (Account a = t.server.store().open(USER)) {
      a.append("INBOX", new ByteArrayInputStream(msg), msg.length, Set.of(), System.currentTimeMillis());
      assertThat(a.mailbox("Junk").orElseThrow().specialUse()).isEqualTo(Optional.of("\\Junk"));
    }
    BayesStore.Counts before = counts();

    move(only("INBOX"), "Junk");
    assertThat(await(n -> n.spam() > before.spam())).isEqualTo(new BayesStore.Counts(before.spam() + 1, before.ham()));

    move(only("Junk"), "INBOX"); // "not spam": the spam learned is forgotten, ham learned instead
    assertThat(await(n -> n.ham() > before.ham())).isEqualTo(new BayesStore.Counts(before.spam(), before.ham() + 1));

    // Email/copy into Junk teaches spam as well
    Map<String, Object> c = JmapTest.args(call("[\"Email/copy\",{\"fromAccountId\":\"" + acc() + "\",\"accountId\":\"" + acc()
        + "\",\"create\":{\"k\":{\"id\":\"" + only("INBOX") + "\",\"mailboxIds\":{\"" + box("Junk") + "\":true}}}},\"c\"]"), 0);
    assertThat(c.get("created")).as(c.toString()).isNotNull();
    assertThat(await(n -> n.spam() > before.spam())).isEqualTo(new BayesStore.Counts(before.spam() + 1, before.ham()));

    // out of Junk into Trash is deleting it, not calling it ham; a move between other folders teaches nothing
    move(only("Junk"), "Trash");
    move(only("INBOX"), "Archive");
    String probe = "jmap-junk-probe";
    try (Account a = t.server.store().open(USER)) { // a later move that does teach: when it shows, the earlier ones had their turn
      byte[] p = MESSAGE.formatted(2).replace("Cheap watches", probe).getBytes(StandardCharsets.US_ASCII);
      a.append("Drafts", new ByteArrayInputStream(p), p.length, Set.of(), System.currentTimeMillis());
    }
    move(only("Drafts"), "Junk");
    assertThat(await(n -> n.spam() > before.spam() + 1))
        .as("only the last move taught something").isEqualTo(new BayesStore.Counts(before.spam() + 2, before.ham()));
  }

  @Test
  void whatAMoveTeaches() {
    var inbox = new dev.postamt.store.MailboxInfo(1, "INBOX", 1, 1, 1, Optional.empty(), 1);
    var junk = mailbox("Junk", "\\Junk");
    var trash = mailbox("Trash", "\\Trash");
    var archive = mailbox("Archive", "\\Archive");
    var spamNamed = mailbox("Spam", null); // a name alone makes no role
    assertThat(JunkTraining.verdict(inbox, junk)).contains(true);
    assertThat(JunkTraining.verdict(archive, junk)).contains(true);
    assertThat(JunkTraining.verdict(junk, inbox)).contains(false);
    assertThat(JunkTraining.verdict(junk, archive)).contains(false);
    assertThat(JunkTraining.verdict(junk, trash)).isEmpty();
    assertThat(JunkTraining.verdict(junk, junk)).isEmpty();
    assertThat(JunkTraining.verdict(inbox, archive)).isEmpty();
    assertThat(JunkTraining.verdict(inbox, spamNamed)).isEmpty();
  }

  private static dev.postamt.store.MailboxInfo mailbox(String name, String specialUse) {
    return new dev.postamt.store.MailboxInfo(2, name, 1, 1, 1, Optional.ofNullable(specialUse), 1);
  }

  private static BayesStore.Counts counts() throws Exception {
    try (SqliteBayesStore store = SqliteBayesStore.open(t.config.dataDir())) {
      return store.messages(BayesStore.GLOBAL);
    }
  }

  /** The global counts once {@code done} holds for them, polling the database until a deadline. */
  private static BayesStore.Counts await(Predicate<BayesStore.Counts> done) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    try (SqliteBayesStore store = SqliteBayesStore.open(t.config.dataDir())) {
      while (true) {
        BayesStore.Counts n = store.messages(BayesStore.GLOBAL);
        if (done.test(n) || Instant.now().isAfter(deadline)) {
          return n;
        }
        Thread.sleep(20);
      }
    }
  }
}
