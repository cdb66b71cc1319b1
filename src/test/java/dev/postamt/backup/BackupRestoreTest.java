package dev.postamt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.admin.Admin;
import dev.postamt.admin.AdminException;
import dev.postamt.config.Config;
import dev.postamt.imap.ImapClient;
import dev.postamt.server.Server;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of a running server under SMTP load restores into a fresh installation with every message
 * acknowledged before the backup began, every flag and keyword and every folder; verify catches a
 * modified file; a second backup links what did not change.
 */
class BackupRestoreTest {
  private static final String ALICE = "alice@example.test";
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*)$");

  @TempDir Path tmp;

  @Test
  void backupUnderLoadRestoresEveryAcknowledgedMessageWithFlagsAndFolders() throws Exception {
    Path backups = tmp.resolve("backups");
    Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    long backupStarted;
    Backup.Report report;
    Map<String, String> before;
    Config configA;
    try (TestServer a = TestServer.start(tmp.resolve("a"))) {
      configA = a.config;
      for (int i = 0; i < 12; i++) {
        send(a, "pre-" + i, ackedAt);
      }
      a.awaitMessages(ALICE, 12);
      try (ImapClient c = a.imapLogin(ALICE)) {
        c.run("C1 CREATE Projects/2026", "C1 OK *");
        c.run("S SELECT INBOX", "S OK *");
        c.run("F1 UID STORE 1:4 +FLAGS (\\Seen \\Flagged)", "F1 OK *");
        c.run("F2 UID STORE 3 +FLAGS ($Important customer)", "F2 OK *");
        c.run("F3 UID STORE 5 +FLAGS (\\Answered \\Draft)", "F3 OK *");
        c.run("M UID COPY 6:8 Projects/2026", "M OK *");
        c.run("F4 UID STORE 9 +FLAGS (\\Deleted)", "F4 OK *");
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread load = Thread.ofVirtual().start(() -> {
        int n = 0;
        while (!stop.get()) {
          try {
            send(a, "load-" + n++, ackedAt);
          } catch (Exception e) {
            return;
          }
        }
      });
      Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      while (ackedAt.keySet().stream().noneMatch(s -> s.startsWith("load-"))) {
        assertThat(load.isAlive() && Instant.now().isBefore(deadline)).as("the load delivers").isTrue();
        Thread.sleep(5);
      }
      backupStarted = System.nanoTime();
      report = new Admin(a.config).backups().backup(backups, Optional.empty());
      int atEnd = ackedAt.size();
      while (ackedAt.size() < atEnd + 3 && load.isAlive() && Instant.now().isBefore(deadline.plusSeconds(20))) {
        Thread.sleep(5); // the load goes on after the backup, too
      }
      stop.set(true);
      load.join();
      before = state(a.config.dataDir());
    }
    assertThat(report.accounts()).isGreaterThanOrEqualTo(1);
    assertThat(new Admin(configA).backups().verify(backups)).hasSize(1);

    Path b = tmp.resolve("b");
    Config configB = freshConfig(b);
    var restored = new Admin(configB).backups().restore(backups, Optional.empty());
    assertThat(restored.movedAside()).isEmpty();
    try (Server server = Server.start(configB)) {
      // Acknowledged but still queued at backup time: the restored queue delivers it now.
      awaitSubjects(configB.dataDir().resolve("mail/example.test/alice/Maildir"),
          ackedAt.entrySet().stream().filter(e -> e.getValue() < backupStarted).map(Map.Entry::getKey).toList());
    }
    Map<String, String> after = state(configB.dataDir());
    for (var e : ackedAt.entrySet()) {
      if (e.getValue() < backupStarted) {
        String key = "INBOX " + e.getKey();
        assertThat(after).as("acknowledged before the backup: %s", e.getKey()).containsKey(key);
      }
    }
    for (var e : before.entrySet()) {
      if (!e.getKey().startsWith("INBOX load-")) {
        assertThat(after).containsEntry(e.getKey(), e.getValue()); // flags, keywords, folders, content
      }
    }
    assertThat(after.get("INBOX pre-2")).contains("\\Flagged").contains("\\Seen").contains("$Important").contains("customer");
    assertThat(after.get("Projects/2026 pre-7")).isNotNull();
  }

  @Test
  void verifyNamesAModifiedFileAndASecondBackupLinksWhatDidNotChange() throws Exception {
    Path backups = tmp.resolve("backups");
    try (TestServer a = TestServer.start(tmp.resolve("a"))) {
      Map<String, Long> acked = new ConcurrentHashMap<>();
      for (int i = 0; i < 5; i++) {
        send(a, "m-" + i, acked);
      }
      a.awaitMessages(ALICE, 5);
      Admin admin = new Admin(a.config);
      Backup.Report first = admin.backups().backup(backups, Optional.empty());
      send(a, "m-new", acked);
      a.awaitMessages(ALICE, 6);
      Backup.Report second = admin.backups().backup(backups, Optional.empty());
      assertThat(second.snapshot()).isNotEqualTo(first.snapshot());
      assertThat(second.linked()).isGreaterThanOrEqualTo(5);
      assertThat(second.copied()).isLessThan(second.files());
      assertThat(admin.backups().verify(backups)).hasSize(2);

      Path victim;
      try (var walk = Files.walk(second.snapshot().resolve("data/mail/example.test/alice/Maildir"))) {
        victim = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().contains(",S=")).sorted()
            .findFirst().orElseThrow();
      }
      Files.writeString(victim, "tampered", java.nio.file.StandardOpenOption.APPEND);
      String rel = second.snapshot().relativize(victim).toString();
      assertThatThrownBy(() -> admin.backups().verify(second.snapshot()))
          .isInstanceOf(AdminException.class).hasMessageContaining(rel);
      assertThatThrownBy(() -> admin.backups().restore(backups, Optional.empty()))
          .isInstanceOf(AdminException.class).hasMessageContaining("running");
    }
  }

  @Test
  void oneAccountIsBackedUpAndRestoredAloneAndTheReplacedMailIsKept() throws Exception {
    Path backups = tmp.resolve("backups");
    Config config;
    Map<String, String> before;
    try (TestServer a = TestServer.start(tmp.resolve("a"))) {
      config = a.config;
      Map<String, Long> acked = new ConcurrentHashMap<>();
      send(a, "keep-me", acked);
      a.awaitMessages(ALICE, 1);
      Backup.Report r = new Admin(a.config).backups().backup(backups, Optional.of("Alice@Example.test"));
      assertThat(r.accounts()).isEqualTo(1);
      assertThat(r.snapshot().resolve("data/mail/example.test/bob")).doesNotExist();
      before = state(a.config.dataDir());
      send(a, "after-backup", acked);
      a.awaitMessages(ALICE, 2);
    }
    var restored = new Admin(config).backups().restore(backups, Optional.of(ALICE));
    assertThat(restored.movedAside()).isPresent();
    assertThat(restored.movedAside().get().resolve("Maildir")).isDirectory();
    assertThat(state(config.dataDir())).isEqualTo(before);
    assertThatThrownBy(() -> new Admin(config).backups().restore(backups, Optional.of("bob@example.test")))
        .isInstanceOf(AdminException.class).hasMessageContaining("no mail of bob@example.test");
  }

  private static void send(TestServer t, String subject, Map<String, Long> ackedAt) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *").send("EHLO client.example.net").expect("250 *");
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + ALICE + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: sender@remote.example\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\n\r\nbody of " + subject
          + "\r\n.\r\n").expect("250 *");
      ackedAt.put(subject, System.nanoTime());
      s.send("QUIT");
    }
  }

  /** "FOLDER SUBJECT" → "flags sha256" of every message of alice, through the store. */
  static Map<String, String> state(Path dataDir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (MailStore store = new SqliteMailStore(dataDir); Account acc = store.open(ALICE)) {
      for (MailboxInfo m : acc.mailboxes()) {
        for (MessageRecord r : acc.snapshot(m.id()).messages()) {
          byte[] bytes;
          try (MessageContent c = acc.open(m, r).orElseThrow()) {
            bytes = c.readAllBytes();
          }
          Matcher s = SUBJECT.matcher(new String(bytes, StandardCharsets.UTF_8).replace("\r", ""));
          String subject = s.find() ? s.group(1) : "?";
          out.put(m.name() + " " + subject, String.join(" ", r.flags()) + " "
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
      }
    }
    return out;
  }

  private static void awaitSubjects(Path maildir, List<String> subjects) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      StringBuilder all = new StringBuilder();
      for (Path p : TestServer.messagesIn(maildir)) {
        all.append(Files.readString(p, StandardCharsets.UTF_8));
      }
      List<String> missing = subjects.stream().filter(s -> !all.toString().contains("Subject: " + s + "\r\n")).toList();
      if (missing.isEmpty()) {
        return;
      }
      assertThat(Instant.now()).as("still missing after restore: %s", missing).isBefore(end);
      Thread.sleep(50);
    }
  }

  /** An installation with nothing in it yet, every listener on an ephemeral port. */
  static Config freshConfig(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("zone.txt"), "");
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, """
        hostname = "mx.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [listen]
        smtp = "127.0.0.1:0"
        imap = "127.0.0.1:0"
        """);
    return Config.load(cfg, true);
  }
}
