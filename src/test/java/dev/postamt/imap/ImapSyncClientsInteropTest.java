package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.config.Config;
import dev.postamt.server.Server;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-way Maildir synchronisers people point at an IMAP server, run as real programs when they
 * are installed ({@code .ci/run} installs isync and offlineimap3): mbsync over implicit TLS and
 * offlineimap over plain IMAP on loopback. Each syncs down, changes the local copy (flag, delete, new
 * folder, new message), syncs up, and the server's view is checked with Python's imaplib; mbsync then
 * syncs again after a server restart, which fails loudly if UIDVALIDITY changed.
 */
class ImapSyncClientsInteropTest {
  @TempDir Path dir;

  @Test
  void mbsyncTwoWayAcrossRestart() throws Exception {
    assumeTrue(installed("mbsync", "-v") && installed("python3", "--version"), "mbsync or python3 not installed");
    Path local = dir.resolve("local");
    Files.createDirectories(local);
    Server server = TestServer.start(dir).server;
    try {
      send(server, "first", "second", "third");
      Path rc = mbsyncrc(server, local);
      String out = run(List.of("mbsync", "-c", rc.toString(), "all"));
      assertThat(files(local.resolve("INBOX"))).as(out).hasSize(3);
      for (String f : List.of("Sent", "Drafts", "Trash", "Junk", "Archive")) {
        assertThat(local.resolve(f)).as(out).isDirectory();
      }
      changeLocally(local.resolve("INBOX"), local.resolve("Projects"));
      out = run(List.of("mbsync", "-c", rc.toString(), "all"));
      assertThat(imapView(server)).as(out)
          .contains("INBOX 2 ").contains("\\Flagged \\Seen").contains("Projects 1 ");

      server = restart(server);
      send(server, "after restart");
      rc = mbsyncrc(server, local);
      out = run(List.of("mbsync", "-c", rc.toString(), "all"));
      assertThat(out).doesNotContainIgnoringCase("uidvalidity");
      assertThat(files(local.resolve("INBOX"))).as(out).hasSize(3);
      assertThat(files(local.resolve("Projects"))).as(out).hasSize(1);
    } finally {
      server.close();
    }
  }

  @Test
  void offlineimapTwoWay() throws Exception {
    assumeTrue(installed("offlineimap", "--version") && installed("python3", "--version"),
        "offlineimap or python3 not installed");
    Path local = dir.resolve("local");
    Files.createDirectories(local);
    try (TestServer t = TestServer.start(dir)) {
      send(t.server, "first", "second", "third");
      Path rc = dir.resolve("offlineimaprc");
      Files.writeString(rc, """
          [general]
          accounts = postamt
          metadata = %s
          [Account postamt]
          localrepository = Local
          remoterepository = Remote
          [Repository Local]
          type = Maildir
          localfolders = %s
          [Repository Remote]
          type = IMAP
          remotehost = 127.0.0.1
          remoteport = %d
          remoteuser = alice@example.test
          remotepass = secret
          ssl = no
          starttls = no
          """.formatted(dir.resolve("offlineimap-meta"), local, t.port("imap")));
      List<String> cmd = List.of("offlineimap", "-c", rc.toString(), "-o", "-u", "basic");
      String out = run(cmd);
      assertThat(out).doesNotContain("ERROR");
      assertThat(files(local.resolve("INBOX"))).as(out).hasSize(3);
      changeLocally(local.resolve("INBOX"), local.resolve("Projects"));
      out = run(cmd);
      assertThat(out).doesNotContain("ERROR");
      assertThat(imapView(t.server)).as(out)
          .contains("INBOX 2 ").contains("\\Flagged \\Seen").contains("Projects 1 ");
      out = run(cmd); // a further run finds nothing to do and downloads no duplicate
      assertThat(out).doesNotContain("ERROR").doesNotContain("Copy message");
      assertThat(files(local.resolve("INBOX"))).hasSize(2);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private Path mbsyncrc(Server server, Path local) throws IOException {
    Path cert = dir.resolve("data/tls/selfsigned.crt");
    Path rc = dir.resolve("mbsyncrc");
    Files.writeString(rc, """
        IMAPAccount postamt
        Host 127.0.0.1
        Port %d
        User alice@example.test
        Pass secret
        SSLType IMAPS
        CertificateFile %s

        IMAPStore remote
        Account postamt

        MaildirStore local
        Path %s/
        Inbox %s/INBOX
        SubFolders Verbatim

        Channel all
        Far :remote:
        Near :local:
        Patterns *
        Create Both
        Expunge Both
        SyncState *
        """.formatted(server.address("imaps").orElseThrow().getPort(), cert, local, local));
    return rc;
  }

  /** Flags the first INBOX message \Flagged \Seen, deletes the second, adds a folder with one message. */
  private static void changeLocally(Path inbox, Path newFolder) throws IOException {
    List<Path> msgs = files(inbox);
    Path first = msgs.get(0);
    String name = first.getFileName().toString();
    String base = name.contains(":2,") ? name.substring(0, name.indexOf(":2,")) : name;
    Files.move(first, inbox.resolve("cur").resolve(base + ":2,FS"));
    Files.delete(msgs.get(1));
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(newFolder.resolve(sub));
    }
    Files.writeString(newFolder.resolve("new/1700000000.local1.host:2,S"),
        "From: alice@example.test\r\nTo: x@example.net\r\nSubject: written offline\r\n"
            + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <offline1@example.test>\r\n\r\nbody\r\n");
  }

  private static List<Path> files(Path maildirFolder) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String sub : List.of("cur", "new")) {
      Path d = maildirFolder.resolve(sub);
      if (Files.isDirectory(d)) {
        try (Stream<Path> s = Files.list(d)) {
          s.forEach(out::add);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private Server restart(Server server) throws Exception {
    server.close();
    return Server.start(Config.load(dir.resolve("postamt.toml"), true));
  }

  private void send(Server server, String... subjects) throws Exception {
    StringBuilder py = new StringBuilder("import smtplib\nwith smtplib.SMTP('127.0.0.1', %d) as s:\n"
        .formatted(server.address("smtp").orElseThrow().getPort()));
    for (String subject : subjects) {
      py.append("    s.sendmail('x@outside.example', ['alice@example.test'], 'Subject: %s\\r\\n\\r\\nbody\\r\\n')\n"
          .formatted(subject));
    }
    Path script = Files.writeString(dir.resolve("send.py"), py);
    run(List.of("python3", script.toString()));
    Path inbox = dir.resolve("data/mail/example.test/alice/Maildir");
    for (int i = 0; i < 500 && !containsAll(inbox, subjects); i++) {
      Thread.sleep(20); // bounded wait for the queue to hand the messages to the Maildir
    }
  }

  private static boolean containsAll(Path maildir, String... subjects) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path p : files(maildir)) {
      all.append(Files.readString(p, StandardCharsets.ISO_8859_1));
    }
    return Stream.of(subjects).allMatch(s -> all.indexOf("Subject: " + s + "\r\n") >= 0);
  }

  /** "MAILBOX COUNT FLAGS..." per folder, as Python's imaplib sees the server. */
  private String imapView(Server server) throws Exception {
    String py = """
        import imaplib, sys
        m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
        m.login('alice@example.test', 'secret')
        for box in ('INBOX', 'Projects'):
            typ, data = m.select(box)
            flags = m.fetch('1:*', '(FLAGS)')[1] if data[0] != b'0' else []
            print(box, data[0].decode(), b' '.join(f for f in flags if f).decode())
        m.logout()
        """;
    Path script = Files.writeString(dir.resolve("view.py"), py);
    return run(List.of("python3", script.toString(), String.valueOf(server.address("imap").orElseThrow().getPort())));
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(cmd.toString()).isTrue();
    String s = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(cmd + ":\n" + s).isZero();
    return s;
  }

  private static boolean installed(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
