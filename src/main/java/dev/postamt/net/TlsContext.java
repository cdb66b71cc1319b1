package dev.postamt.net;

import dev.postamt.config.Config;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server's TLS identity: the configured PEM certificate chain and key, or a self-signed pair made
 * on first start and kept in {@code data_dir/tls/} so that it stays the same across restarts. Only
 * TLS 1.2 and 1.3 are offered.
 */
public final class TlsContext {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /**
   * Forward-secret AEAD suites only: the TLS 1.3 suites, and for TLS 1.2 ECDHE (and DHE for old RSA-only
   * clients) with AES-GCM or ChaCha20-Poly1305 — Mozilla's "intermediate" list. No CBC, no static RSA
   * key exchange, no SHA-1 MACs.
   */
  private static final String[] CIPHER_SUITES = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  };

  /** The cipher suites every listener offers (also https). */
  public static String[] cipherSuites() {
    return CIPHER_SUITES.clone();
  }
  /** The JSSE context; null until {@link #ready} or the first {@link #sslContext} makes it from {@link #identity}. */
  private volatile SSLContext context;
  /** The parsed certificate chain and key, until the context is made from them. */
  private Identity identity;
  /** What makes {@link #identity} when it is made with the context (a self-signed pair still to be made), or null. */
  private IdentityMaker maker;

  private TlsContext(Identity identity) {
    this.identity = identity;
  }

  private TlsContext(IdentityMaker maker) {
    this.maker = maker;
  }

  /** A certificate chain and its private key, read and checked; made into an SSLContext later. */
  private record Identity(List<Certificate> chain, PrivateKey key, Path certFile) {}

  /** Makes an identity (writes its files first when they are to be made). */
  @FunctionalInterface
  private interface IdentityMaker {
    Identity make() throws IOException;
  }

  /** The context every TLS connection uses; made now when {@link #ready} has not run yet. */
  public SSLContext sslContext() {
    SSLContext c = context;
    if (c != null) {
      return c;
    }
    try {
      return make();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // ready() ran at start and succeeded: not expected here
    }
  }

  /**
   * Makes the JSSE context (the key store, the key manager, the SSLContext: ~50–150 ms of a start) unless
   * made already. {@link #forStart} leaves it to the server, which calls this once its listeners are open
   * so that the SMTP banner does not wait for it; a handshake before then makes it itself, under the same
   * lock. A failure here (a key the JDK cannot use) still stops the start.
   */
  public void ready() throws IOException {
    if (context == null) {
      make();
    }
  }

  /**
   * The trust managers of the server's context: no listener asks clients for a certificate, so none is
   * ever checked. Given instead of null, which makes the JDK load its whole trust store (~150 parsed CA
   * certificates, ~1 MB of heap kept for good; issue 27, idle memory) for checks that never happen.
   */
  private static final javax.net.ssl.TrustManager[] NO_CLIENT_CERTIFICATES = {new javax.net.ssl.X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a server context checks no server certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }};

  private synchronized SSLContext make() throws IOException {
    if (context != null) {
      return context;
    }
    if (identity == null) {
      identity = maker.make();
      maker = null;
    }
    Identity id = identity;
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      // The key store lives only in memory, to hand the key to the key manager: its default protection
      // (PBKDF2, 10,000 rounds of HMAC-SHA-256 to store the key and as many to read it back) cost ~20 % of
      // the CPU before the SMTP banner (issue 27); one round protects nothing less here.
      ks.setEntry("server", new KeyStore.PrivateKeyEntry(id.key(), id.chain().toArray(Certificate[]::new)),
          new KeyStore.PasswordProtection(new char[0], "PBEWithHmacSHA256AndAES_256",
              new javax.crypto.spec.PBEParameterSpec(new byte[16], 1)));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), NO_CLIENT_CERTIFICATES, new SecureRandom());
      context = ctx;
      identity = null;
      return ctx;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("TLS set-up from " + id.certFile() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Takes the certificate and key of {@code fresh} for every connection that starts TLS from now on
   * (reload on SIGHUP); sessions already encrypted keep theirs.
   */
  public void replaceWith(TlsContext fresh) {
    this.context = fresh.sslContext();
  }

  /** {@link #fromConfig} with the JSSE context made at once. */
  public static TlsContext fromConfig(Config config) throws IOException {
    TlsContext t = forStart(config);
    t.ready();
    return t;
  }

  /**
   * The certificate and key {@code config} names (or the ACME pair, or the self-signed one), read and
   * checked now; the JSSE context is made by {@link #ready} or at the first handshake (server start: after
   * the listeners are open). A self-signed pair that is missing (or names other addresses) is made then too,
   * with the context.
   */
  public static TlsContext forStart(Config config) throws IOException {
    if (config.tls().certificate().isPresent()) {
      return read(config.tls().certificate().get(), config.tls().privateKey().orElseThrow());
    }
    Path acmeCert = dev.postamt.config.Tls.acmeCertificate(config.dataDir());
    Path acmeKey = dev.postamt.config.Tls.acmeKey(config.dataDir());
    if (config.tls().acme() && Files.exists(acmeCert) && Files.exists(acmeKey)) {
      return read(acmeCert, acmeKey); // until ACME has issued one, the self-signed pair below serves
    }
    Path dir = config.dataDir().resolve("tls");
    Path cert = dir.resolve("selfsigned.crt");
    Path key = dir.resolve("selfsigned.key");
    List<String> names = selfSignedNames(config);
    // Our own pair is read (and made on a first start, or again when the hostname or a listener address
    // changed) with the context, after the listeners (ready, or the first handshake): the RSA key's search
    // took 0.4-0.9 s of a first start before the SMTP banner, and reading the pair of an earlier start
    // (the JDK's X.509 and key parsing, first used here) ~20 ms of a restart's (issue 27). Nothing is read
    // from a file an operator wrote, so there is nothing here that could fail the start sooner; a pair
    // that cannot be read (a damaged file) is made again.
    return new TlsContext(() -> {
      if (Files.exists(cert) && Files.exists(key) && names.equals(subjectAltNames(cert))) {
        try {
          return read(cert, key).identity;
        } catch (IOException e) {
          org.slf4j.LoggerFactory.getLogger(TlsContext.class)
              .warn("tls: the self-signed pair {} cannot be used ({}); making a new one", cert, e.getMessage());
        }
      }
      writeSelfSigned(names, cert, key);
      return read(cert, key).identity;
    });
  }

  /**
   * What the self-signed certificate names: the hostname, {@code localhost}, and the loopback and
   * listener addresses (wildcard addresses left out), so that a client connecting by any of them can
   * pin or trust it. Sorted after the hostname, so a restart with the same config finds the same list.
   */
  static List<String> selfSignedNames(Config config) {
    java.util.TreeSet<String> rest = new java.util.TreeSet<>(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"));
    for (var a : config.listen().services().values()) {
      if (a.getAddress() != null && !a.getAddress().isAnyLocalAddress()) {
        rest.add(a.getAddress().getHostAddress().replaceAll("%.*$", ""));
      }
    }
    rest.remove(config.hostname());
    List<String> names = new ArrayList<>();
    names.add(config.hostname());
    names.addAll(rest);
    return names;
  }

  /** The DNS names and IP addresses a PEM certificate names, in the form {@link #selfSignedNames} uses. */
  static List<String> subjectAltNames(Path certFile) {
    try {
      List<X509Certificate> certs = PemFiles.certificates(certFile);
      if (certs.isEmpty()) {
        return List.of();
      }
      X509Certificate c = certs.getFirst();
      List<String> out = new ArrayList<>();
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          String v = String.valueOf(san.get(1));
          out.add(((Integer) san.get(0)) == IP_ADDRESS ? java.net.InetAddress.getByName(v).getHostAddress() : v);
        }
      }
      return out;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return List.of(); // unreadable: made again
    }
  }

  /** GeneralName's iPAddress choice (RFC 5280 §4.2.1.6), as {@link X509Certificate#getSubjectAlternativeNames} numbers it. */
  private static final int IP_ADDRESS = 7;

  /** Loads a PEM certificate chain and a PEM private key (PKCS#1 or PKCS#8, RSA or EC). */
  public static TlsContext fromPem(Path certFile, Path keyFile) throws IOException {
    TlsContext t = read(certFile, keyFile);
    t.ready();
    return t;
  }

  /**
   * Reads and checks a PEM certificate chain and key; the JSSE context is made later ({@link #ready}).
   * The JDK reads them ({@link PemFiles}); what it does not take (an encrypted or SEC1 EC key, a file it
   * cannot parse) Bouncy Castle reads as before ({@link BcPem}), with its errors.
   */
  private static TlsContext read(Path certFile, Path keyFile) throws IOException {
    try {
      List<Certificate> chain;
      try {
        chain = List.copyOf(PemFiles.certificates(certFile));
      } catch (GeneralSecurityException | RuntimeException e) {
        chain = List.of();
      }
      if (chain.isEmpty()) {
        chain = BcPem.certificates(certFile);
      }
      if (chain.isEmpty()) {
        throw new IOException(certFile + ": no PEM certificate found");
      }
      PrivateKey pk;
      try {
        pk = PemFiles.privateKey(keyFile);
      } catch (RuntimeException e) {
        pk = null;
      }
      if (pk == null) {
        pk = BcPem.privateKey(keyFile);
      }
      return new TlsContext(new Identity(List.copyOf(chain), pk, certFile));
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS set-up from " + certFile + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Makes a self-signed RSA-2048 certificate, valid ten years, whose subject is the first name and
   * whose subjectAltName lists every name (IP addresses as iPAddress entries, RFC 5280 §4.2.1.6).
   */
  public static void writeSelfSigned(List<String> names, Path certFile, Path keyFile) throws IOException {
    BcPem.writeSelfSigned(names, certFile, keyFile);
  }

  private static volatile String[] supported;

  /** Our list, in our order, less what this JDK does not offer. */
  private static String[] supported(String[] offered) {
    String[] s = supported;
    if (s == null) {
      java.util.Set<String> have = java.util.Set.of(offered);
      s = java.util.Arrays.stream(CIPHER_SUITES).filter(have::contains).toArray(String[]::new);
      supported = s;
    }
    return s;
  }

  /** Wraps an accepted plain socket as the server side of TLS (used for STARTTLS and implicit TLS). */
  SSLSocket wrapServer(Socket plain) throws IOException {
    SSLContext c = context;
    SSLSocket s =
        (SSLSocket)
            (c != null ? c : make())
                .getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    s.setUseClientMode(false);
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    p.setCipherSuites(supported(s.getSupportedCipherSuites()));
    p.setUseCipherSuitesOrder(true);
    s.setSSLParameters(p);
    return s;
  }
}
