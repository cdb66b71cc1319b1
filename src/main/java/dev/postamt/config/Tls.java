package dev.postamt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code [tls]}: PEM certificate chain and private key; when absent a self-signed pair is made in data_dir. */
public record Tls(Optional<Path> certificate, Optional<Path> privateKey) {
  static Tls parse(ConfigReader r) {
    r.allowKeys("tls", "certificate", "private_key");
    Optional<Path> cert = r.path("tls.certificate");
    Optional<Path> key = r.path("tls.private_key");
    if (cert.isPresent() != key.isPresent()) {
      r.error(cert.isPresent() ? "tls.private_key" : "tls.certificate", "tls.certificate and tls.private_key go together");
    }
    cert.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.certificate", "cannot read " + p));
    key.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.private_key", "cannot read " + p));
    return new Tls(cert, key);
  }
}
