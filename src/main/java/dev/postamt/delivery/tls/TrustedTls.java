package dev.postamt.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for verified outbound connections ({@code verify}, {@code secure}, MTA-STS): the
 * JDK's trust store plus the certificates of {@code [delivery] tls_trust}, with PKIX path validation
 * (expiry, chain, key usage). The host name is checked separately ({@link CertificateNames}), since
 * SMTP matches names by its own rules.
 */
public final class TrustedTls {
  /** Null until first asked for, when made by {@link #systemOnFirstUse}. */
  private volatile SSLContext context;

  private TrustedTls(SSLContext context) {
    this.context = context;
  }

  public SSLContext context() {
    SSLContext c = context;
    if (c == null) {
      synchronized (this) {
        if (context == null) {
          try {
            context = create(Optional.empty()).context;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // the JDK's own trust store could not be read
          }
        }
        c = context;
      }
    }
    return c;
  }

  /**
   * Like {@link #create} for {@code extra}, but when there is no extra file the JDK's trust store (some
   * 150 certificates to parse, ~0.1 s) is read at the first verified connection instead of now: the
   * server makes this at start for MTA-STS, which most starts never use before the banner (issue 27).
   */
  public static TrustedTls systemOnFirstUse(Optional<Path> extra) throws IOException {
    return extra.isPresent() ? create(extra) : new TrustedTls(null);
  }

  /** The JDK's trust anchors and those in {@code extra} (PEM certificates), when given. */
  public static TrustedTls create(Optional<Path> extra) throws IOException {
    try {
      List<X509TrustManager> managers = new ArrayList<>();
      TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      managers.add(x509(system));
      if (extra.isPresent()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int n = 0;
        try (InputStream in = Files.newInputStream(extra.get())) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("extra-" + n++, c);
          }
        }
        if (n == 0) {
          throw new IOException(extra.get() + " holds no PEM certificate");
        }
        TrustManagerFactory own = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        own.init(ks);
        managers.add(x509(own));
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Either(managers)}, null);
      return new TrustedTls(ctx);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up certificate verification: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager x509(TrustManagerFactory f) {
    for (TrustManager m : f.getTrustManagers()) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }

  /** Trusts a chain that any of its managers trusts. */
  private record Either(List<X509TrustManager> managers) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("not a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      java.security.cert.CertificateException last = null;
      for (X509TrustManager m : managers) {
        try {
          m.checkServerTrusted(chain, authType);
          return;
        } catch (java.security.cert.CertificateException e) {
          last = e;
        }
      }
      throw last != null ? last : new java.security.cert.CertificateException("no trust anchors");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return managers.stream().flatMap(m -> java.util.Arrays.stream(m.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
  }
}
