package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.testing.TestServer;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inbound TLS offers TLS 1.2+ with forward-secret AEAD suites only, on the mail ports and on https. */
class TlsCipherTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("https");

  private static SSLSocket connect(int port, String protocol, String suite) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}

      public void checkServerTrusted(X509Certificate[] c, String a) {}

      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    s.setEnabledProtocols(new String[] {protocol});
    s.setEnabledCipherSuites(new String[] {suite});
    return s;
  }

  @Test
  void aCbcSuiteIsRefusedAndGcmIsTaken() throws Exception {
    for (String service : new String[] {"imaps", "https"}) {
      try (SSLSocket ok = connect(t.port(service), "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
        ok.startHandshake();
        assertThat(ok.getSession().getCipherSuite()).as(service).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
      }
      try (SSLSocket cbc = connect(t.port(service), "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) {
        assertThatThrownBy(cbc::startHandshake).as(service).isInstanceOf(SSLHandshakeException.class);
      }
      try (SSLSocket old = connect(t.port(service), "TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")) {
        assertThatThrownBy(old::startHandshake).as(service).isInstanceOf(javax.net.ssl.SSLException.class);
      }
    }
  }
}
