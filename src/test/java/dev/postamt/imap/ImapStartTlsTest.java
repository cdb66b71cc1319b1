package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The imap listener: LOGINDISABLED until STARTTLS (RFC 3501 §6.2.3, §11.1); imaps: TLS from the start. */
class ImapStartTlsTest {
  @TempDir Path dir;

  static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return ctx;
  }

  @Test
  void loginDisabledUntilStartTls() throws Exception {
    try (ImapTestServer server = ImapTestServer.startStrict(dir); ImapClient c = server.connect()) {
      assertThat(c.greeting()).contains("STARTTLS", "LOGINDISABLED").doesNotContain("AUTH=PLAIN");
      c.run("a LOGIN alice secret", "a NO [PRIVACYREQUIRED] *");
      c.run("b AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "b NO [PRIVACYREQUIRED] *");
      // A command pipelined behind STARTTLS must not be executed after the handshake.
      c.send("c STARTTLS\r\nd LOGIN alice secret");
      assertThat(c.line()).isEqualTo("c OK Begin TLS negotiation now");
      SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(c.socket, "127.0.0.1", c.port(), true);
      tls.startHandshake();
      try (ImapClient t = new ImapClient(tls)) {
        t.run("e CAPABILITY", "* CAPABILITY *AUTH=PLAIN AUTH=LOGIN", "e OK *");
        t.run("f STARTTLS", "f BAD *");
        t.run("g LOGIN alice secret", "g OK *");
        t.run("h CAPABILITY", "* CAPABILITY *", "h OK *").forEach(l -> assertThat(l).doesNotContain("STARTTLS"));
      }
    }
  }

  @Test
  void implicitTls() throws Exception {
    try (ImapTestServer server = ImapTestServer.startStrict(dir)) {
      SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort());
      try (ImapClient c = new ImapClient(s)) {
        assertThat(c.greeting()).contains("AUTH=PLAIN").doesNotContain("STARTTLS", "LOGINDISABLED");
        c.run("a LOGIN alice secret", "a OK *");
        c.run("b SELECT INBOX", "b OK *");
      }
    }
  }
}
