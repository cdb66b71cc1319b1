package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.admin.Admin;
import dev.postamt.admin.AdminException;
import dev.postamt.config.Database;
import dev.postamt.directory.Directory;
import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's small site, whole servers: {@code [store] blobs = "postgresql"} keeps the message bodies in
 * the database, so two nodes with their own data directories and no shared mail directory serve the
 * same mail. SMTP delivery on one node; IMAP FETCH, COPY and EXPUNGE and POP3 RETR; the other node reads
 * the same message; no message file is written anywhere; a whole backup and restore brings the messages
 * back. Skipped, saying so, when PostgreSQL cannot start here.
 */
class PgBlobsServerTest {
  @TempDir Path dir;
  private final List<TestServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (TestServer n : nodes) {
      n.close();
    }
  }

  private TestServer node(String name, String url) throws Exception {
    TestServer t = TestServer.start(dir.resolve(name), """
        pop3s = "127.0.0.1:0"
        [database]
        url = "%s"
        [store]
        blobs = "postgresql"
        """.formatted(url));
    nodes.add(t);
    return t;
  }

  @Test
  void twoNodesWithoutASharedDirectoryServeMessagesKeptInPostgresql() throws Exception {
    PgCluster pg = PgCluster.get();
    Database db = pg.freshDatabase();
    String url = pg.url(db.postgres().orElseThrow().database());
    try (Directory d = Directory.open(PgDatabase.of(db))) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", TestServer.PASSWORD.toCharArray());
      d.addUser("bob@example.test", TestServer.PASSWORD.toCharArray());
    }
    TestServer a = node("a", url);
    TestServer b = node("b", url);
    assertThat(a.config.mailDir()).isNotEqualTo(b.config.mailDir());

    send(a, "alice@example.test", "kept in postgresql");
    send(a, "bob@example.test", "for pop3");

    ImapClient onA = a.imapLogin("alice@example.test");
    awaitExists(onA, "INBOX", 1);
    assertThat(String.join("\n", onA.run("f FETCH 1 BODY[]", "f OK *")))
        .contains("Subject: kept in postgresql").contains("\r\nbody line\r\n");
    onA.run("c COPY 1 Archive", "c OK [COPYUID *] *");
    onA.run("s STORE 1 +FLAGS.SILENT (\\Deleted)", "s OK *");
    onA.run("e EXPUNGE", "* 1 EXPUNGE", "e OK *");
    onA.run("x SELECT INBOX", "* 0 EXISTS", "x OK *");

    // node B: its own data_dir, no shared mail_dir, the same message
    ImapClient onB = b.imapLogin("alice@example.test");
    onB.run("s SELECT Archive", "* 1 EXISTS", "s OK *");
    assertThat(String.join("\n", onB.run("f FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)] BODY[TEXT])", "f OK *")))
        .contains("Subject: kept in postgresql").contains("body line");

    try (Pop3Client pop = b.pop3Login("bob@example.test")) {
      pop.send("STAT").expect("+OK 1 *");
      pop.send("RETR 1").expect("+OK*");
      assertThat(pop.multi()).contains("Subject: for pop3", "body line");
      pop.send("DELE 1").expect("+OK*");
      pop.send("QUIT").expect("+OK*");
    }
    try (MailStore store = MailStore.open(a.config)) {
      assertThat(store.usage("bob@example.test").messages()).as("POP3 DELE then QUIT expunged").isZero();
    }

    for (TestServer n : nodes) {
      try (var walk = Files.walk(n.config.dataDir())) {
        assertThat(walk.filter(p -> p.toString().contains("Maildir")).toList()).as("no Maildir on %s", n.dir).isEmpty();
      }
    }

    // a whole backup holds the messages (pg_dump); an account's alone is refused, naming the choice
    Admin admin = new Admin(a.config);
    assertThatThrownBy(() -> admin.backups().backup(dir.resolve("one"), Optional.of("alice@example.test")))
        .isInstanceOf(AdminException.class).hasMessageContaining("blobs = \"postgresql\"");
    stop();
    nodes.clear();
    admin.backups().backup(dir.resolve("backups"), Optional.empty());
    try (MailStore store = MailStore.open(a.config); Account acc = store.open("alice@example.test")) {
      MailboxInfo archive = acc.mailbox("Archive").orElseThrow();
      acc.store(archive.id(), List.of(1L), Account.FlagMode.ADD, List.of("\\Deleted"));
      acc.expunge(archive.id(), Optional.empty());
      assertThat(acc.messages(archive.id())).isEmpty();
    }
    admin.backups().restore(dir.resolve("backups"), Optional.empty());
    try (MailStore store = MailStore.open(a.config); Account acc = store.open("alice@example.test")) {
      MailboxInfo archive = acc.mailbox("Archive").orElseThrow();
      assertThat(acc.messages(archive.id())).hasSize(1);
      try (MessageContent c = acc.open(archive, acc.messages(archive.id()).getFirst()).orElseThrow()) {
        assertThat(new String(c.readAllBytes(), StandardCharsets.US_ASCII)).contains("Subject: kept in postgresql");
      }
    }
  }

  private static void send(TestServer via, String to, String subject) throws Exception {
    try (SmtpScript s = SmtpScript.connect(via.port("smtp"))) {
      s.expect("220 *").send("EHLO client.example.net").expect("250 *");
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: sender@remote.example\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nbody line\r\n.\r\n")
          .expect("250 *");
      s.send("QUIT");
    }
  }

  /** Selects {@code mailbox} until it holds {@code n} messages (delivery runs after the 250; bounded wait). */
  private static void awaitExists(ImapClient c, String mailbox, int n) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    while (true) {
      List<String> lines = c.run("w SELECT " + mailbox, "w OK *");
      if (lines.contains("* " + n + " EXISTS")) {
        return;
      }
      assertThat(Instant.now()).as("%d messages in %s: %s", n, mailbox, lines).isBefore(end);
      Thread.sleep(20);
    }
  }
}
