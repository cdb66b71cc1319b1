package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.testing.Clamd;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other antivirus actions with a real clamd: {@code quarantine} (250, held, the recipient told,
 * released through the queue), {@code discard}, and {@code on_unavailable = "accept"}.
 */
class SmtpQuarantineTest {
  @TempDir static Path dir;
  static Clamd clamd;

  @BeforeAll
  static void start() throws Exception {
    clamd = Clamd.start(Files.createDirectories(dir.resolve("clamd")), true, "25M");
  }

  @AfterAll
  static void stop() throws Exception {
    if (clamd != null) {
      clamd.close();
    }
  }

  static TestServer server(String name, String antivirus) throws Exception {
    Files.writeString(Files.createDirectories(dir.resolve(name)).resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n"); // the default [policy] refuses unknown sender domains
    return TestServer.start(dir.resolve(name), "[relay]\nnetworks = []\n[antivirus]\n" + antivirus);
  }

  static String send(TestServer t, String from, List<String> to, String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<" + from + ">").expect("250 *");
      for (String r : to) {
        s.send("RCPT TO:<" + r + ">").expect("250 *");
      }
      s.send("DATA").expect("354 *");
      s.raw(message + "\r\n.\r\n");
      return s.read().getLast();
    }
  }

  @Test
  void aVirusIsHeldTheRecipientsToldAndReleaseDeliversIt() throws Exception {
    try (TestServer t = server("quarantine", "clamd = \"" + clamd.unix() + "\"\naction = \"quarantine\"\n")) {
      String m = "From: <forged@remote.example>\r\nSubject: held-one\r\n\r\n" + Clamd.EICAR + "\r\n";
      String reply = send(t, "forged@remote.example", List.of("bob@example.test", "alice@example.test"), m);
      assertThat(reply).matches("250 2\\.0\\.0 Ok: \\S+ held");
      String id = reply.split(" ")[3];

      List<Quarantine.Entry> held = Quarantine.of(t.config.dataDir()).list();
      assertThat(held).singleElement().satisfies(e -> {
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.kind()).isEqualTo(Quarantine.Kind.VIRUS);
        assertThat(e.sender()).isEqualTo("forged@remote.example");
        assertThat(e.recipients()).containsExactly("bob@example.test", "alice@example.test");
        assertThat(e.reason()).startsWith("virus Postamt.Test.Eicar").endsWith(" in message");
        assertThat(e.subject()).isEqualTo("held-one");
      });

      // each recipient gets the notice; the forged sender nothing (it is not even local here)
      for (String user : List.of("bob@example.test", "alice@example.test")) {
        String notice = t.awaitMessageContaining(user, "Quarantine id:  " + id);
        assertThat(notice).contains("Subject: A message to you was quarantined (virus Postamt.Test.Eicar")
            .contains("Auto-Submitted: auto-generated").contains("postamt quarantine release " + id)
            .doesNotContain("EICAR-STANDARD");
      }
      try (var in = Quarantine.of(t.config.dataDir()).open(id)) {
        String stored = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).contains("X-Virus-Status: infected; virus=Postamt.Test.Eicar").contains("Received: from client.example")
            .contains(Clamd.EICAR);
      }

      String released = new Admin(t.config).quarantine().release(id);
      assertThat(released).startsWith("released " + id + " to 2 recipient(s) as queue id ").endsWith("being delivered");
      String delivered = t.awaitMessageContaining("bob@example.test", "Subject: held-one");
      assertThat(delivered).containsPattern("X-Quarantine-Released: by postamt quarantine release at [^\r\n]+\\r?\\n \\(held for virus Postamt\\.Test\\.Eicar[^;]+; id " + id + "\\)\\r?\\n")
          .contains(Clamd.EICAR);
      t.awaitMessageContaining("alice@example.test", "Subject: held-one");
      assertThat(Quarantine.of(t.config.dataDir()).list()).isEmpty();
    }
  }

  @Test
  void discardAnswers250AndDeliversNothing() throws Exception {
    try (TestServer t = server("discard", "clamd = \"" + clamd.tcp() + "\"\naction = \"discard\"\n")) {
      assertThat(send(t, "x@remote.example", List.of("bob@example.test"), "Subject: dropped\r\n\r\n" + Clamd.EICAR + "\r\n"))
          .matches("250 2\\.0\\.0 Ok: \\S+ discarded");
      assertThat(send(t, "x@remote.example", List.of("bob@example.test"), "Subject: kept\r\n\r\nclean\r\n")).startsWith("250 ");
      t.awaitMessageContaining("bob@example.test", "Subject: kept");
      assertThat(t.messages("bob@example.test")).hasSize(1);
      assertThat(Quarantine.of(t.config.dataDir()).list()).isEmpty();
    }
  }

  @Test
  void withOnUnavailableAcceptMailIsDeliveredMarkedUnscanned() throws Exception {
    String nowhere = "unix:" + dir.resolve("no-clamd.sock");
    try (TestServer t = server("accept", "clamd = \"" + nowhere + "\"\non_unavailable = \"accept\"\n")) {
      assertThat(send(t, "x@remote.example", List.of("bob@example.test"), "Subject: unscanned\r\n\r\nhello\r\n"))
          .startsWith("250 2.0.0 ");
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: unscanned"))
          .contains("X-Virus-Scanned: unavailable").contains("X-Virus-Status: unscanned\r\n");
    }
  }

  @Test
  void aForbiddenAttachmentIsHeldAsKindAttachmentAndAReloadSwitchesTheAction() throws Exception {
    String av = "clamd = \"" + clamd.unix() + "\"\nblock_attachments = true\n";
    try (TestServer t = server("reload", av + "action = \"reject\"\n")) {
      String lure = "Subject: lure\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
          + "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
          + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n\r\n"
          + "harmless bytes\r\n--b--\r\n";
      assertThat(send(t, "x@remote.example", List.of("bob@example.test"), lure)).startsWith("554 5.7.0 Forbidden attachment: ");
      // [antivirus] is reloadable: the next session quarantines instead
      Path cfg = dir.resolve("reload/postamt.toml");
      Files.writeString(cfg, Files.readString(cfg).replace("action = \"reject\"", "action = \"quarantine\"\nnotify_recipient = false"));
      assertThat(t.server.reload()).anyMatch(l -> l.contains("antivirus"));
      String reply = send(t, "x@remote.example", List.of("bob@example.test"), lure);
      assertThat(reply).matches("250 2\\.0\\.0 Ok: \\S+ held");
      assertThat(Quarantine.of(t.config.dataDir()).list()).singleElement().satisfies(e -> {
        assertThat(e.kind()).isEqualTo(Quarantine.Kind.ATTACHMENT);
        assertThat(e.reason()).startsWith("forbidden attachment: ATTACH_EXECUTABLE_NAME,ATTACH_DOUBLE_EXTENSION: ");
      });
      // clamd still scans after the reload (the new pool works): a clean message is delivered scanned
      assertThat(send(t, "x@remote.example", List.of("bob@example.test"), "Subject: clean-after\r\n\r\nhello\r\n")).startsWith("250 ");
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: clean-after")).contains("X-Virus-Status: clean");
    }
  }
}
