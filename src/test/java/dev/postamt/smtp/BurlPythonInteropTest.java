package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's imaplib and smtplib end to end, the way a mobile client sends a draft it already stored:
 * APPEND to Drafts, GENURLAUTH {@code submit+user}, then BURL on the submission port; the message
 * arrives. URLFETCH of the same URL from IMAP is refused (it is for the submission server only).
 */
class BurlPythonInteropTest {
  @TempDir Path dir;

  static boolean havePython() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void draftSentByBurl() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    String script =
        """
        import imaplib, smtplib, ssl, sys, re
        imap_port, sub_port = map(int, sys.argv[1:3])
        imaplib.Commands["GENURLAUTH"] = ("AUTH", "SELECTED")
        imaplib.Commands["URLFETCH"] = ("AUTH", "SELECTED")
        ctx = ssl._create_unverified_context()
        m = imaplib.IMAP4("127.0.0.1", imap_port)
        m.starttls(ssl_context=ctx)
        m.login("alice@example.test", "secret")
        caps = m.capabilities
        assert "URLAUTH" in caps and "URL-PARTIAL" in caps, caps
        draft = (b"From: alice@example.test\\r\\nTo: bob@example.test\\r\\nSubject: sent by reference\\r\\n\\r\\n"
                 b"Stored once, sent without a second upload.\\r\\n")
        typ, data = m.append("Drafts", "(\\\\Draft)", None, draft)
        uidvalidity, uid = re.search(rb"APPENDUID (\\d+) (\\d+)", data[0]).groups()
        rump = "imap://alice%%40example.test@mx.example.test/Drafts;UIDVALIDITY=%s/;UID=%s;URLAUTH=submit+alice%%40example.test" % (
            uidvalidity.decode(), uid.decode())
        typ, data = m._simple_command("GENURLAUTH", '"%s"' % rump, "INTERNAL")
        assert typ == "OK", (typ, data)
        typ, data = m._untagged_response(typ, data, "GENURLAUTH")
        url = data[0].decode().strip('"')
        assert url.startswith(rump + ":INTERNAL:"), url
        typ, data = m._simple_command("URLFETCH", '"%s"' % url)
        typ, data = m._untagged_response(typ, data, "URLFETCH")
        assert data[0].endswith(b"NIL"), data     # submit+ URLs are for the submission server
        m.logout()
        s = smtplib.SMTP("127.0.0.1", sub_port)
        s.ehlo("client.example")
        s.starttls(context=ctx)
        s.ehlo("client.example")
        assert s.has_extn("burl"), s.esmtp_features
        s.login("alice@example.test", "secret")
        s.ehlo("client.example")
        print("BURL", s.esmtp_features["burl"])
        code, msg = s.mail("alice@example.test")
        assert code == 250, (code, msg)
        code, msg = s.rcpt("bob@example.test")
        assert code == 250, (code, msg)
        code, msg = s.docmd("BURL", url + " LAST")
        print("REPLY", code, msg.decode())
        code, msg = s.mail("alice@example.test")
        s.rcpt("bob@example.test")
        code, msg = s.docmd("BURL", url[:-1] + ("1" if url.endswith("0") else "0") + " LAST")
        print("TAMPERED", code, msg.decode())
        s.quit()
        """;
    try (TestServer t = TestServer.start(dir)) {
      Path py = dir.resolve("burl_client.py");
      Files.writeString(py, script);
      Process p = new ProcessBuilder("python3", py.toString(), String.valueOf(t.port("imap")), String.valueOf(t.port("submission")))
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).as(out).contains("BURL imap imap://mx.example.test").contains("REPLY 250 ")
          .contains("TAMPERED 554 5.7.0 IMAP URL authorization failed");
      String got = t.awaitMessageContaining("bob@example.test", "Subject: sent by reference");
      assertThat(got).contains("Stored once, sent without a second upload.\r\n");
    }
  }
}
