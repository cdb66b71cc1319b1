package dev.postamt.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.postamt.admin.Admin;
import dev.postamt.imap.ImapClient;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.testing.TestServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate imap} from Debian's Dovecot, started by the test with its own config, passwd file and
 * Maildir (skipped when Dovecot is not installed): folders (a nested one, one with a non-ASCII name),
 * flags, keywords and dates arrive; a second run copies nothing; a third copies the one new message and
 * the one flag changed on the source.
 */
class ImapMigrationDovecotTest {
  private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
  private static final String LOGIN = "old@example.org";

  @TempDir Path tmp;
  private Path conf;

  @AfterEach
  void stopDovecot() throws Exception {
    if (conf != null) {
      new ProcessBuilder("doveadm", "-c", conf.toString(), "stop").inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private int startDovecot() throws Exception {
    Path d = tmp.resolve("dovecot");
    Files.createDirectories(d.resolve("run"));
    Files.createDirectories(d.resolve("state"));
    Path home = d.resolve("mail").resolve(LOGIN);
    Files.createDirectories(home.resolve("Maildir"));
    // Dovecot's own users must be able to reach the config, the passwd file and the mail.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = dev.postamt.testing.Ports.free();
    boolean root = ((Integer) Files.getAttribute(tmp, "unix:uid")) == 0;
    String uid;
    String gid;
    String asUser = "";
    if (root) {
      uid = run("id", "-u", "nobody");
      gid = run("id", "-g", "nobody");
    } else {
      uid = run("id", "-u");
      gid = run("id", "-g");
      String me = run("id", "-un");
      asUser = "default_internal_user = " + me + "\ndefault_login_user = " + me + "\nservice anvil {\n  chroot =\n}\n";
    }
    conf = d.resolve("dovecot.conf");
    Files.writeString(conf, """
        base_dir = %1$s/run
        state_dir = %1$s/state
        instance_name = postamt-test-%2$d
        listen = 127.0.0.1
        protocols = imap
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        log_path = %1$s/dovecot.log
        mail_location = maildir:%1$s/mail/%%u/Maildir
        first_valid_uid = 0
        passdb {
          driver = passwd-file
          args = username_format=%%u %1$s/passwd
        }
        userdb {
          driver = passwd-file
          args = username_format=%%u %1$s/passwd
        }
        service imap-login {
          %3$s
          inet_listener imap {
            address = 127.0.0.1
            port = %2$d
          }
          inet_listener imaps {
            port = 0
          }
        }
        %4$s
        """.formatted(d, port, root ? "" : "chroot =", asUser));
    Files.writeString(d.resolve("passwd"), LOGIN + ":{PLAIN}old-secret:" + uid + ":" + gid + "::" + home + "\n");
    if (root) {
      run("chown", "-R", uid + ":" + gid, d.resolve("mail").toString());
    }
    // Dovecot daemonizes and its children keep stdout open: its output goes to a file, not a pipe.
    Path out = d.resolve("start.out");
    Process p = new ProcessBuilder(DOVECOT.toString(), "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("dovecot: %s", Files.readString(out)).isTrue();
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return port;
      } catch (java.io.IOException notYet) {
        assertThat(Instant.now()).as("dovecot listening on %d", port).isBefore(end);
        Thread.sleep(50);
      }
    }
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    return out;
  }

  private static void append(ImapClient c, String tag, String mailbox, String flags, String date, String subject)
      throws Exception {
    String msg = "From: old@example.org\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n";
    c.run(tag + " APPEND " + mailbox + " (" + flags + ") \"" + date + "\" {" + msg.length() + "+}\r\n" + msg, tag + " OK *");
  }

  /** "mailbox subject" → "flags date" in alice's store. */
  private static Map<String, String> ours(Path dataDir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (MailStore store = new SqliteMailStore(dataDir); Account acc = store.open("alice@example.test")) {
      for (MailboxInfo m : acc.mailboxes()) {
        for (MessageRecord r : acc.snapshot(m.id()).messages()) {
          String text;
          try (MessageContent c = acc.open(m, r).orElseThrow()) {
            text = new String(c.readAllBytes(), StandardCharsets.UTF_8);
          }
          String subject = text.substring(text.indexOf("Subject: ") + 9, text.indexOf("\r\n", text.indexOf("Subject: ")));
          assertThat(text).endsWith("body of " + subject + "\r\n");
          out.put(m.name() + " " + subject, String.join(" ", r.flags()) + " @" + Instant.ofEpochMilli(r.internalDate()));
        }
      }
    }
    return out;
  }

  @Test
  void foldersFlagsKeywordsAndDatesArriveAndASecondRunCopiesOnlyWhatChanged() throws Exception {
    assumeThat(Files.isExecutable(DOVECOT) && Files.isExecutable(Path.of("/usr/lib/dovecot/imap")))
        .as("Debian's dovecot-imapd is not installed").isTrue();
    int port = startDovecot();
    try (ImapClient c = new ImapClient("127.0.0.1", port)) {
      c.greeting();
      c.run("L LOGIN " + LOGIN + " old-secret", "L OK *");
      c.run("C1 CREATE Work", "C1 OK *");
      c.run("C2 CREATE Work.2026", "C2 OK *");
      c.run("C3 CREATE &AMQ-rchiv", "C3 OK *");
      append(c, "A1", "INBOX", "\\Seen", "01-Feb-2020 10:00:00 +0000", "one");
      append(c, "A2", "INBOX", "\\Flagged $Label1", "02-Mar-2021 11:30:00 +0200", "two");
      append(c, "A3", "INBOX", "", "03-Apr-2022 12:00:00 -0500", "three");
      append(c, "A4", "Work", "\\Answered \\Seen", "04-May-2023 08:00:00 +0000", "work");
      append(c, "A5", "Work.2026", "\\Draft", " 5-Jun-2024 09:00:00 +0000", "nested");
      append(c, "A6", "&AMQ-rchiv", "\\Seen NonJunk", "06-Jul-2019 07:00:00 +0000", "umlaut");
    }
    try (TestServer t = TestServer.start(tmp.resolve("postamt"))) {
      Admin admin = new Admin(t.config);
      String from = "imap://127.0.0.1:" + port;
      ImapMigration.Report first = admin.transfers().migrateImap(from, LOGIN, "old-secret", "alice@example.test", false);
      assertThat(first.copied()).as("%s", first).isEqualTo(6);
      assertThat(ours(t.config.dataDir())).containsAllEntriesOf(Map.of(
          "INBOX one", "\\Seen @2020-02-01T10:00:00Z",
          "INBOX two", "$Label1 \\Flagged @2021-03-02T09:30:00Z",
          "INBOX three", " @2022-04-03T17:00:00Z",
          "Work work", "\\Answered \\Seen @2023-05-04T08:00:00Z",
          "Work/2026 nested", "\\Draft @2024-06-05T09:00:00Z",
          "Ärchiv umlaut", "\\Seen NonJunk @2019-07-06T07:00:00Z"));

      ImapMigration.Report second = admin.transfers().migrateImap(from, LOGIN, "old-secret", "alice@example.test", false);
      assertThat(second.copied()).isZero();
      assertThat(second.flagsUpdated()).isZero();

      try (ImapClient c = new ImapClient("127.0.0.1", port)) {
        c.greeting();
        c.run("L LOGIN " + LOGIN + " old-secret", "L OK *");
        c.run("S SELECT INBOX", "S OK *");
        c.run("F UID STORE 3 +FLAGS (\\Seen)", "F OK *");
        append(c, "A7", "INBOX", "", "07-Aug-2025 06:00:00 +0000", "late");
      }
      ImapMigration.Report third = admin.transfers().migrateImap(from, LOGIN, "old-secret", "alice@example.test", false);
      assertThat(third.copied()).isEqualTo(1);
      assertThat(third.flagsUpdated()).isEqualTo(1);
      Map<String, String> after = ours(t.config.dataDir());
      assertThat(after).containsEntry("INBOX three", "\\Seen @2022-04-03T17:00:00Z")
          .containsEntry("INBOX late", " @2025-08-07T06:00:00Z");
      assertThat(after.keySet().stream().filter(k -> k.startsWith("INBOX "))).hasSize(4);
    }
  }
}
