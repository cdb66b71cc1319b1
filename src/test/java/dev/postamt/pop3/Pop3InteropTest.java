package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.store.Maildir;
import dev.postamt.testing.TestServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against the full server ({@code Server} with the {@code pop3} and {@code pop3s}
 * listeners and the real directory): Python's poplib (a separate process; STLS and POP3_SSL) and Angus
 * (Jakarta) Mail's "pop3" and "pop3s" stores.
 */
class Pop3InteropTest {
  @TempDir static Path dir;
  @RegisterExtension static final TestServer t = TestServer.create().listen("pop3", "pop3s");

  static void deliver(String user, int n) throws Exception {
    for (int i = 1; i <= n; i++) {
      byte[] m = ("From: x@example.test\r\nTo: " + user + "\r\nSubject: message " + i
          + "\r\n\r\nline 1\r\n.dot line\r\nline 3\r\n").getBytes(StandardCharsets.US_ASCII);
      Maildir.deliver(t.maildir(user), Maildir.baseName(System.currentTimeMillis() / 1000,
          "I" + System.nanoTime(), "test", m.length), new byte[0], new ByteArrayInputStream(m));
    }
  }

  static boolean havePython() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  String poplib(int port, String mode, String user) throws Exception {
    Path script = dir.resolve("poplib_client.py");
    if (!Files.exists(script)) {
      try (InputStream in = getClass().getResourceAsStream("poplib_client.py")) {
        Files.copy(in, script);
      }
    }
    Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(port), mode, user)
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void pythonPoplibWithStls() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    deliver("alice@example.test", 3);
    assertThat(poplib(t.port("pop3"), "stls", "alice@example.test")).isEqualTo("OK\n");
  }

  @Test
  void pythonPoplibWithPop3s() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    deliver("bob@example.test", 3);
    assertThat(poplib(t.port("pop3s"), "ssl", "bob@example.test")).isEqualTo("OK\n");
  }

  /** Both Angus stores in one test, on a user of its own, so the two sessions never meet the lock. */
  @Test
  void angusMailPop3WithStartTlsAndPop3s() throws Exception {
    String user = "carol@example.test";
    t.server.directory().addUser(user, TestServer.PASSWORD.toCharArray());
    deliver(user, 2);
    Properties props = new Properties();
    props.put("mail.pop3.host", "127.0.0.1");
    props.put("mail.pop3.port", String.valueOf(t.port("pop3")));
    props.put("mail.pop3.starttls.enable", "true");
    props.put("mail.pop3.starttls.required", "true");
    props.put("mail.pop3.ssl.trust", "*");
    props.put("mail.pop3.ssl.checkserveridentity", "false");
    props.put("mail.pop3s.host", "127.0.0.1");
    props.put("mail.pop3s.port", String.valueOf(t.port("pop3s")));
    props.put("mail.pop3s.ssl.trust", "*");
    props.put("mail.pop3s.ssl.checkserveridentity", "false");
    Session session = Session.getInstance(props);

    List<String> uids = new ArrayList<>();
    Store store = session.getStore("pop3");
    store.connect(user, TestServer.PASSWORD);
    try {
      POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      assertThat(inbox.getMessageCount()).isEqualTo(2);
      Message m = inbox.getMessage(1);
      assertThat(m.getSubject()).isEqualTo("message 1");
      assertThat((String) m.getContent()).contains("line 1\r\n.dot line\r\n");
      assertThat(m.getSize()).isPositive();
      for (Message x : inbox.getMessages()) {
        uids.add(inbox.getUID(x));
      }
      m.setFlag(Flags.Flag.DELETED, true);
      inbox.close(true); // QUIT: UPDATE state
    } finally {
      store.close();
    }

    Store s2 = session.getStore("pop3s");
    s2.connect(user, TestServer.PASSWORD);
    try {
      POP3Folder inbox = (POP3Folder) s2.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessageCount()).isEqualTo(1);
      Message m = inbox.getMessage(1);
      assertThat(m.getSubject()).isEqualTo("message 2");
      assertThat(inbox.getUID(m)).isEqualTo(uids.get(1));
      inbox.close(false);
    } finally {
      s2.close();
    }
  }
}
