package dev.postamt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code [tls]}: PEM certificate chain and private key; when absent a self-signed pair is made in
 * data_dir. With {@code acme = true} the certificate comes from an ACME CA (RFC 8555) instead: {@code
 * acme_directory} (Let's Encrypt by default), {@code acme_email} for the account, {@code acme_names}
 * (default: the hostname), {@code acme_trust} (a PEM CA file trusted for the ACME server itself, besides
 * the JDK's, for test CAs such as Pebble). The issued pair lives at {@link #acmeCertificate} and
 * {@link #acmeKey}; until there is one the self-signed pair serves.
 */
public record Tls(Optional<Path> certificate, Optional<Path> privateKey, boolean acme, String acmeDirectory,
    Optional<String> acmeEmail, List<String> acmeNames, Optional<Path> acmeTrust) {
  public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

  public Tls(Optional<Path> certificate, Optional<Path> privateKey) {
    this(certificate, privateKey, false, LETS_ENCRYPT, Optional.empty(), List.of(), Optional.empty());
  }

  static Tls parse(ConfigReader r) {
    r.allowKeys("tls", "certificate", "private_key", "acme", "acme_directory", "acme_email", "acme_names", "acme_trust");
    Optional<Path> cert = r.path("tls.certificate");
    Optional<Path> key = r.path("tls.private_key");
    if (cert.isPresent() != key.isPresent()) {
      r.error(cert.isPresent() ? "tls.private_key" : "tls.certificate", "tls.certificate and tls.private_key go together");
    }
    cert.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.certificate", "cannot read " + p));
    key.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.private_key", "cannot read " + p));
    boolean acme = r.bool("tls.acme", false);
    if (acme && cert.isPresent()) {
      r.error("tls.acme", "tls.acme = true gets the certificate itself: leave out tls.certificate and tls.private_key");
    }
    String directory = r.string("tls.acme_directory", LETS_ENCRYPT);
    if (!directory.startsWith("https://")) {
      r.error("tls.acme_directory", "must be an https:// URL (RFC 8555 §6.1), got \"" + directory + "\"");
    }
    String email = r.string("tls.acme_email", "");
    if (!email.isEmpty() && !email.matches("[^@\\s<>]+@[^@\\s<>]+")) {
      r.error("tls.acme_email", "must be an address, got \"" + email + "\"");
    }
    List<String> names = r.strings("tls.acme_names", List.of());
    for (String n : names) {
      if (!n.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        r.error("tls.acme_names", "each entry must be a DNS name (HTTP-01 cannot prove wildcards), got \"" + n + "\"");
      }
    }
    Optional<Path> trust = r.path("tls.acme_trust");
    trust.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.acme_trust", "cannot read " + p));
    return new Tls(cert, key, acme, directory, email.isEmpty() ? Optional.empty() : Optional.of(email), List.copyOf(names), trust);
  }

  /** The certificate chain ACME got, under {@code data_dir/acme/}. */
  public static Path acmeCertificate(Path dataDir) {
    return dataDir.resolve("acme").resolve("cert.pem");
  }

  /** The private key of {@link #acmeCertificate}. */
  public static Path acmeKey(Path dataDir) {
    return dataDir.resolve("acme").resolve("key.pem");
  }
}
