package dev.postamt.acme;

import dev.postamt.config.Config;
import dev.postamt.config.Tls;
import dev.postamt.delivery.tls.TrustedTls;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ACME certificate fresh for {@code [tls] acme = true}: checks a few seconds after start and
 * then daily, renews when the certificate is missing, names other names than {@code acme_names}, or has
 * less than {@link #RENEW_BEFORE} left (Let's Encrypt's own advice), and tells the server to take the
 * new pair ({@code installed}). A failed attempt is tried again after an hour; the running certificate
 * stays meanwhile.
 */
public final class AcmeRenewal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AcmeRenewal.class);
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);
  static final Duration CHECK_EVERY = Duration.ofDays(1);
  static final Duration RETRY_AFTER = Duration.ofHours(1);

  private final Supplier<Config> config;
  private final Runnable installed;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private AcmeRenewal(Supplier<Config> config, Runnable installed, Clock clock) {
    this.config = config;
    this.installed = installed;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("acme").factory());
  }

  /**
   * Starts the checks.
   *
   * @param config read at each check (a reload's names and directory apply)
   * @param installed called after a new certificate was written: the server reloads its TLS contexts
   */
  public static AcmeRenewal start(Supplier<Config> config, Runnable installed, Clock clock) {
    AcmeRenewal r = new AcmeRenewal(config, installed, clock);
    if (config.get().listen().get("http").isEmpty()) {
      log.warn("acme: [listen] has no http listener: the CA's http-01 validation (port 80) cannot reach us");
    }
    r.timer.schedule(r::check, 2, TimeUnit.SECONDS);
    return r;
  }

  private void check() {
    Duration next = CHECK_EVERY;
    try {
      Config c = config.get();
      if (c.tls().acme()) {
        renew(c, false).ifPresent(what -> log.info("acme: {}", what));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("acme: no new certificate ({}); the running one stays, trying again in {} minutes", e.getMessage(),
          RETRY_AFTER.toMinutes());
      next = RETRY_AFTER;
    }
    if (!timer.isShutdown()) {
      timer.schedule(this::check, next.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** The names to get a certificate for: {@code acme_names}, else the hostname. */
  static List<String> names(Config c) {
    return c.tls().acmeNames().isEmpty() ? List.of(c.hostname()) : c.tls().acmeNames();
  }

  /**
   * Gets a new certificate when one is due (or always with {@code force}), installs it and tells the
   * server; says what it did, or empty when nothing was due.
   */
  public synchronized Optional<String> renew(Config c, boolean force) throws IOException {
    Path certFile = Tls.acmeCertificate(c.dataDir());
    List<String> names = names(c);
    Optional<String> why = force ? Optional.of("renewal forced") : due(certFile, names, clock.instant());
    if (why.isEmpty()) {
      return Optional.empty();
    }
    Path dir = Files.createDirectories(certFile.getParent());
    KeyPair account = accountKey(dir.resolve("account.key"));
    KeyPair certKey;
    byte[] csr;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      certKey = g.generateKeyPair();
      csr = csr(names, certKey);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the certificate request: " + e.getMessage(), e);
    }
    Path challenges = Files.createDirectories(dir.resolve(ChallengeApp.DIRECTORY));
    String chain;
    try (AcmeClient client = new AcmeClient(URI.create(c.tls().acmeDirectory()), TrustedTls.create(c.tls().acmeTrust()).context(),
        new Jws(account))) {
      client.account(c.tls().acmeEmail());
      chain = client.certificate(names, csr, new FileChallenges(challenges));
    }
    if (!chain.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IOException("the ACME server sent no PEM certificate chain");
    }
    write(Tls.acmeKey(c.dataDir()), pem(certKey.getPrivate()), true);
    write(certFile, chain, false);
    installed.run();
    return Optional.of("new certificate for " + String.join(", ", names) + " (" + why.get() + "), valid until "
        + leaf(certFile).map(x -> x.getNotAfter().toInstant().toString()).orElse("?"));
  }

  /** Why the certificate at {@code file} needs renewing, or empty when it does not. */
  static Optional<String> due(Path file, List<String> names, Instant now) {
    Optional<X509Certificate> leaf = leaf(file);
    if (leaf.isEmpty()) {
      return Optional.of("no certificate yet");
    }
    Instant end = leaf.get().getNotAfter().toInstant();
    if (Duration.between(now, end).compareTo(RENEW_BEFORE) < 0) {
      return Optional.of("expires " + end);
    }
    Set<String> have = new HashSet<>();
    try {
      if (leaf.get().getSubjectAlternativeNames() != null) {
        leaf.get().getSubjectAlternativeNames().forEach(san -> have.add(String.valueOf(san.get(1)).toLowerCase(java.util.Locale.ROOT)));
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return Optional.of("unreadable names");
    }
    for (String n : names) {
      if (!have.contains(n.toLowerCase(java.util.Locale.ROOT))) {
        return Optional.of("does not name " + n);
      }
    }
    return Optional.empty();
  }

  static Optional<X509Certificate> leaf(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (var in = Files.newInputStream(file)) {
      return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    } catch (IOException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * The account key at {@code file} — the PKCS#8 private and the X.509 public key, PEM — made (and
   * kept) at first use.
   */
  private static KeyPair accountKey(Path file) throws IOException {
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.US_ASCII);
      try {
        java.security.KeyFactory f = java.security.KeyFactory.getInstance("EC");
        return new KeyPair(f.generatePublic(new java.security.spec.X509EncodedKeySpec(dev.postamt.net.PemFiles.first(text, "PUBLIC KEY"))),
            f.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(dev.postamt.net.PemFiles.first(text, "PRIVATE KEY"))));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException(file + ": not an ACME account key (" + e.getMessage() + ")", e);
      }
    }
    try {
      KeyPair kp = Jws.newAccountKey();
      write(file, dev.postamt.net.PemFiles.encode("PRIVATE KEY", kp.getPrivate().getEncoded())
          + dev.postamt.net.PemFiles.encode("PUBLIC KEY", kp.getPublic().getEncoded()), true);
      return kp;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make an ACME account key: " + e.getMessage(), e);
    }
  }

  /** A PKCS#10 request naming {@code names} in its subjectAltName (RFC 8555 §7.4: the CA reads them there). */
  static byte[] csr(List<String> names, KeyPair key) throws IOException, OperatorCreationException {
    var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + names.getFirst()), key.getPublic());
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
    b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())).getEncoded();
  }

  private static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    }
    return sw.toString();
  }

  /** Replaces {@code file} atomically; a secret is readable by us alone. */
  private static void write(Path file, String text, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    if (secret) {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** http-01 answers as files the http listener serves ({@link ChallengeApp}). */
  private record FileChallenges(Path dir) implements AcmeClient.Challenges {
    @Override
    public void publish(String token, String keyAuthorization) throws IOException {
      write(dir.resolve(token), keyAuthorization, false);
    }

    @Override
    public void withdraw(String token) {
      try {
        Files.deleteIfExists(dir.resolve(token));
      } catch (IOException e) {
        log.debug("acme: challenge file {} left behind: {}", token, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
