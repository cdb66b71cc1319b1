package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.store.StoreTesting;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and a full disk get a clear {@code NO} with a response code, never {@code [SERVERBUG]}:
 * names beyond the store's limits ({@code [LIMIT]}), and on a full disk a user can still log in, flag
 * and expunge, while APPEND is refused with {@code [OVERQUOTA]}.
 */
class ImapStoreFailuresTest {
  static final String MSG = "From: a@example.test\r\nSubject: hi\r\n\r\nhello\r\n";

  /** Set to 0 to see the test fail as it did before the reserve. */
  static final long RESERVE = 1 << 20;

  @TempDir Path dir;

  @Test
  void mailboxNamesBeyondTheLimitsAreRefusedWithLimit() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir); ImapClient c = server.login("alice")) {
      String long300 = "x".repeat(300);
      String deep200 = "a/".repeat(199) + "a";
      c.run("a CREATE " + long300, "a NO [LIMIT] Mailbox name too long*");
      c.run("b CREATE " + deep200, "b NO [LIMIT] Mailbox hierarchy too deep*");
      // Within 16 levels and 255 bytes a level, but too long as one Maildir++ folder name.
      c.run("c CREATE " + String.join("/", java.util.Collections.nCopies(16, "a".repeat(15))), "c NO [LIMIT] *");
      c.run("d CREATE short", "d OK *");
      c.run("e RENAME short " + long300, "e NO [LIMIT] *");
      c.run("f SELECT " + long300, "f NO [NONEXISTENT] *");
      c.run("g STATUS " + deep200 + " (MESSAGES)", "g NO [NONEXISTENT] *");
      c.run("h DELETE " + long300, "h NO [NONEXISTENT] *");
      c.run("i CREATE a//b", "i NO [CANNOT] *");
      try (var a = server.store.open("alice@example.test")) {
        assertThat(a.mailboxes()).hasSize(7); // INBOX, the five defaults and "short": nothing half-created
      }
    }
  }

  @Test
  void appendAndCopyOnAFullDiskAreOverquotaNotServerbug() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir, d -> StoreTesting.store(d, 0, StoreTesting::fullDisk));
        ImapClient c = server.login("alice")) {
      server.deliver("alice@example.test", MSG);
      c.run("a APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "a NO [OVERQUOTA] Not enough disk space");
      c.run("b SELECT INBOX", "* *", "b OK *");
      c.run("c COPY 1 Trash", "c NO [OVERQUOTA] Not enough disk space");
      c.run("d STORE 1 +FLAGS (\\Deleted)", "* 1 FETCH *", "d OK *");
      c.run("e EXPUNGE", "* 1 EXPUNGE", "e OK *");
    }
  }

  /**
   * The real thing: a small tmpfs filled up to the last byte. Needs root (mount); skipped otherwise.
   * Before the space reserve, the login of a user whose index was closed and every flag change or
   * expunge failed with SQLITE_FULL as {@code NO [SERVERBUG]}.
   */
  @Test
  void onAFullTmpfsLoginStoreAndExpungeWorkAndAppendIsRefused() throws Exception {
    Path mnt = dir.resolve("mnt");
    Files.createDirectories(mnt);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString()), "cannot mount a tmpfs here (needs root)");
    try {
      try (ImapTestServer server = ImapTestServer.start(mnt, d -> StoreTesting.store(d, RESERVE, b -> b))) {
        try (ImapClient c = server.login("alice")) {
          for (int i = 0; i < 5; i++) {
            server.deliver("alice@example.test", MSG);
          }
          c.run("a SELECT INBOX", "* *", "a OK *");
          c.run("z LOGOUT", "* BYE *", "z OK *");
        }
        // The account is closed now (last session gone): its index is reopened at the next login.
        fill(mnt.resolve("filler"));
        try (ImapClient c = server.login("alice")) {
          c.run("b SELECT INBOX", "* *", "b OK *");
          fill(mnt.resolve("filler")); // whatever the reserve gave back, take it again
          c.run("c APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "c NO [OVERQUOTA] Not enough disk space");
          c.run("d STORE 1:3 +FLAGS (\\Deleted)", "* 1 FETCH *", "* 2 FETCH *", "* 3 FETCH *", "d OK *");
          c.run("e EXPUNGE", "* 3 EXPUNGE", "* 2 EXPUNGE", "* 1 EXPUNGE", "e OK *");
          c.run("f STATUS INBOX (MESSAGES)", "* STATUS \"INBOX\" (MESSAGES 2)", "f OK *");
        }
      }
    } finally {
      run("umount", "-l", mnt.toString());
    }
  }

  /** Writes to {@code file} until the file system is full. */
  static void fill(Path file) {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      // as intended
    }
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // to the last byte
    }
  }

  static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
