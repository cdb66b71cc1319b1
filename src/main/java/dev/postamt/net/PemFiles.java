package dev.postamt.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM files (RFC 7468) read with the JDK alone: certificates, and unencrypted private keys in PKCS#8
 * ({@code PRIVATE KEY}: RSA, EC, Ed25519, Ed448) or PKCS#1 ({@code RSA PRIVATE KEY}, what Postamt's own
 * self-signed key and many older tools write). What this does not read — an encrypted key, an EC key in
 * its SEC1 form ({@code EC PRIVATE KEY}), a file it cannot parse — {@link TlsContext} reads with Bouncy
 * Castle as before ({@link BcPem}). Why two readers: a restart reads its certificate and key before the
 * banner, and Bouncy Castle's PEM and ASN.1 classes (~190, with their static tables) were then loaded into
 * every server, and into its AOT cache, for files the JDK reads as well (docs/performance.md). The ACME
 * account key file is read and written with {@link #first} and {@link #encode}, DKIM signing keys are read
 * with {@link #privateKey(String)} first ({@code mailauth.dkim.DkimKeys}).
 */
public final class PemFiles {
  private PemFiles() {}

  /** One {@code -----BEGIN label-----} block: its label, its headers' presence and its DER bytes. */
  public record Block(String label, boolean headers, byte[] der) {}

  /** {@code der} as a PEM block of {@code label}, 64 characters to a line (RFC 7468 §2). */
  public static String encode(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The DER bytes of the first block of {@code label} in {@code text}; IllegalArgumentException when none. */
  public static byte[] first(String text, String label) {
    for (Block b : blocks(text)) {
      if (b.label().equals(label)) {
        return b.der();
      }
    }
    throw new IllegalArgumentException("no " + label);
  }

  /**
   * The blocks of a PEM text in order; text around and between them is ignored (RFC 7468 §2: "parsers
   * MUST ignore" it), also when it is not ASCII (a file is read as ISO 8859-1, which takes any byte:
   * {@code openssl pkcs12} writes a certificate's friendly name in front of it as it is).
   */
  public static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    String label = null;
    boolean headers = false;
    StringBuilder b64 = new StringBuilder();
    for (String raw : text.split("\r?\n|\r")) {
      String line = raw.strip();
      if (label == null) {
        if (line.startsWith("-----BEGIN ") && line.endsWith("-----") && line.length() > 16) {
          label = line.substring(11, line.length() - 5);
          headers = false;
          b64.setLength(0);
        }
      } else if (line.equals("-----END " + label + "-----")) {
        out.add(new Block(label, headers, Base64.getMimeDecoder().decode(b64.toString())));
        label = null;
      } else if (line.indexOf(':') >= 0) {
        headers = true; // RFC 1421 headers (Proc-Type, DEK-Info: an encrypted key)
      } else {
        b64.append(line);
      }
    }
    return out;
  }

  /** The certificates of a PEM file, in order; empty when it holds none. */
  static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    for (Block b : blocks(Files.readString(file, StandardCharsets.ISO_8859_1))) {
      if (b.label().equals("CERTIFICATE")) {
        chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      }
    }
    return chain;
  }

  /** The first private key of a PEM file, or null when it has none this reader takes (see the class comment). */
  static PrivateKey privateKey(Path file) throws IOException {
    return privateKey(Files.readString(file, StandardCharsets.ISO_8859_1));
  }

  /** The first private key of a PEM text, or null when it has none this reader takes (see the class comment). */
  public static PrivateKey privateKey(String pem) {
    for (Block b : blocks(pem)) {
      if (b.headers()) {
        return null;
      }
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der());
        }
        case "RSA PRIVATE KEY" -> {
          return rsa(b.der());
        }
        default -> {
          if (b.label().endsWith("PRIVATE KEY")) {
            return null; // EC PRIVATE KEY, ENCRYPTED PRIVATE KEY, ...
          }
        }
      }
    }
    return null;
  }

  /** A PKCS#8 key of any of the algorithms TLS keys come in; null when none of them takes it. */
  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm
      }
    }
    return null;
  }

  /**
   * A PKCS#1 RSAPrivateKey wrapped as the PKCS#8 PrivateKeyInfo the JDK reads (RFC 5208 §5: version 0,
   * the rsaEncryption algorithm with NULL parameters, the key as an OCTET STRING).
   */
  private static PrivateKey rsa(byte[] pkcs1) {
    java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
    info.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
    info.writeBytes(new byte[] {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00}); // rsaEncryption, NULL
    info.writeBytes(tlv(0x04, pkcs1));
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(tlv(0x30, info.toByteArray())));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** A DER tag-length-value (definite length, short or long form). */
  static byte[] tlv(int tag, byte[] value) {
    int n = value.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      length = new byte[1 + bytes];
      length[0] = (byte) (0x80 | bytes);
      for (int i = 0; i < bytes; i++) {
        length[bytes - i] = (byte) (n >>> (8 * i));
      }
    }
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(value, 0, out, 1 + length.length, n);
    return out;
  }
}
