package dev.postamt.net;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS identity's Bouncy Castle side: the self-signed certificate's making, and the PEM files
 * {@link PemFiles} does not read (an encrypted or SEC1 EC key, anything the JDK's parser refuses). Kept
 * apart from {@link TlsContext} so that a restart that reads a plain certificate and key loads none of
 * Bouncy Castle's classes (not even for the verifier's look at a catch clause). DKIM keys the JDK does
 * not read come here too ({@link #privateKey(String)}).
 */
public final class BcPem {
  private BcPem() {}

  /** The certificates of a PEM file, in order, as Bouncy Castle's parser reads them. */
  static List<Certificate> certificates(Path certFile) throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          chain.add(conv.getCertificate(h));
        }
      }
    }
    return chain;
  }

  /** The private key of a PEM file (PKCS#1, PKCS#8 or SEC1), or an IOException naming the file. */
  static PrivateKey privateKey(Path keyFile) throws IOException {
    PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
    if (key == null) {
      throw new IOException(keyFile + ": no unencrypted PEM private key found");
    }
    return key;
  }

  /**
   * The private key of the first PEM object of {@code pem} (PKCS#1, PKCS#8 or SEC1); null when that object is
   * no unencrypted private key. Also DKIM's reader of what {@link PemFiles} does not take.
   */
  public static PrivateKey privateKey(String pem) throws IOException {
    try (Reader r = new StringReader(pem); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter kc = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return kc.getPrivateKey(kp.getPrivateKeyInfo());
      } else if (o instanceof PrivateKeyInfo pki) {
        return kc.getPrivateKey(pki);
      }
      return null;
    }
  }

  /**
   * Makes a self-signed RSA-2048 certificate, valid ten years, whose subject is the first name and
   * whose subjectAltName lists every name (IP addresses as iPAddress entries, RFC 5280 §4.2.1.6).
   */
  static void writeSelfSigned(List<String> names, Path certFile, Path keyFile) throws IOException {
    String hostname = names.getFirst();
    try {
      Files.createDirectories(certFile.getParent());
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=" + hostname);
      Instant now = Instant.now();
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              kp.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      GeneralName[] sans =
          names.stream()
              .map(n -> new GeneralName(n.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
      writePem(keyFile, kp.getPrivate(), true);
      writePem(certFile, cert, false);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
  }

  private static void writePem(Path file, Object obj, boolean secret) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(obj);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, sw.toString(), StandardCharsets.US_ASCII);
    if (secret) {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
