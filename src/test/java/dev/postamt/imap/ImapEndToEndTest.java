package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server: mail sent over SMTP is seen by IMAP (Python's imaplib, IDLE waking on delivery),
 * flags and UIDVALIDITY survive a restart of the server, MOVE and APPEND with APPENDUID work.
 */
class ImapEndToEndTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void smtpToImapWithIdleMoveAppendAndRestart() throws Exception {
    String script =
        """
        import imaplib, smtplib, ssl, sys, threading, time
        imap_port, smtp_port, imaps_port = map(int, sys.argv[1:4])
        def send(subject):
            with smtplib.SMTP("127.0.0.1", smtp_port) as s:
                s.sendmail("x@outside.example", ["alice@example.test"], "Subject: %s\\r\\n\\r\\nbody\\r\\n" % subject)
        m = imaplib.IMAP4("127.0.0.1", imap_port)
        m.starttls(ssl_context=ssl._create_unverified_context())
        m.login("alice@example.test", "secret")
        typ, data = m.list()
        names = b" ".join(data)
        for f in (b"\\\\Sent", b"\\\\Drafts", b"\\\\Trash", b"\\\\Junk", b"\\\\Archive"):
            assert f in names, names
        m.select("INBOX")
        # IDLE, then deliver: the server must tell us within a second or two
        tag = m._new_tag().decode()
        m.send(("%s IDLE\\r\\n" % tag).encode())
        assert m.readline().startswith(b"+")
        threading.Timer(0.3, send, args=("idle wake",)).start()
        t0 = time.time()
        line = m.readline()
        assert b"EXISTS" in line, line
        woke = time.time() - t0
        m.send(b"DONE\\r\\n")
        while not m.readline().startswith(tag.encode()):
            pass
        typ, data = m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert b"idle wake" in b"".join(x if isinstance(x, bytes) else b"".join(x) for x in data), data
        m.uid("STORE", "1", "+FLAGS", "(\\\\Flagged $Important)")
        typ, data = m.append("Drafts", "(\\\\Draft)", None, b"Subject: draft\\r\\n\\r\\nwip\\r\\n")
        assert b"APPENDUID" in data[0], data
        typ, data = m.status("INBOX", "(UIDVALIDITY MESSAGES)")
        print("STATUS", data[0].decode())
        send("to move")
        time.sleep(0.5)
        m.noop()
        typ, data = m.uid("SEARCH", None, "SUBJECT", '"to move"')
        uid = data[0].split()[-1]
        typ, data = m.uid("MOVE", uid, "Archive")
        assert typ == "OK", (typ, data)
        m.logout()
        print("woke %.2f" % woke)
        print("ok")
        """;
    Path py = dir.resolve("imap_client.py");
    Files.writeString(py, script);
    String out = run(py, t);
    assertThat(out).as(out).contains("ok");
    String status = out.lines().filter(l -> l.startsWith("STATUS")).findFirst().orElseThrow();
    double woke = Double.parseDouble(out.lines().filter(l -> l.startsWith("woke")).findFirst().orElseThrow().substring(5));
    assertThat(woke).isLessThan(1.5);

    // restart the whole server on the same data: UIDVALIDITY and flags survive
    Path cfg = dir.resolve("postamt.toml");
    t.close();
    t = null;
    dev.postamt.server.Server again = dev.postamt.server.Server.start(dev.postamt.config.Config.load(cfg, true));
    try {
      int imapPort = again.address("imap").orElseThrow().getPort();
      String check =
          """
          import imaplib, sys
          m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
          m.login("alice@example.test", "secret")   # plaintext from loopback is allowed, as in Dovecot
          typ, data = m.status("INBOX", "(UIDVALIDITY MESSAGES)")
          print("STATUS", data[0].decode())
          m.select("INBOX")
          typ, data = m.uid("FETCH", "1", "(FLAGS)")
          print("FLAGS", data[0].decode())
          m.select("Archive")
          typ, data = m.search(None, "ALL")
          print("ARCHIVE", len(data[0].split()))
          m.logout()
          """;
      Path py2 = dir.resolve("imap_check.py");
      Files.writeString(py2, check);
      Process p = new ProcessBuilder("python3", py2.toString(), String.valueOf(imapPort)).redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out2 = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out2).as(out2).contains(status.substring(0, status.indexOf("MESSAGES")));
      assertThat(out2).contains("\\Flagged").contains("$Important").contains("ARCHIVE 1");
    } finally {
      again.close();
    }
  }

  private static String run(Path py, TestServer t) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3", py.toString(), String.valueOf(t.port("imap")), String.valueOf(t.port("smtp")), String.valueOf(t.port("imaps")))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
