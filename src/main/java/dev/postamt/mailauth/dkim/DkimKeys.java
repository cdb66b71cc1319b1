package dev.postamt.mailauth.dkim;

import dev.postamt.net.BcPem;
import dev.postamt.net.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;

/**
 * DKIM signing keys on disk: {@code data_dir/dkim/<domain>/<selector>.<rsa|ed25519>.key}, each a PEM
 * private key readable by its owner only (0600, directories 0700). Key generation refuses to overwrite
 * a file; a selector is a DNS label, so a key's public half can be published at {@code
 * <selector>._domainkey.<domain>}.
 *
 * <p>Keys are written as PKCS#8 ("BEGIN PRIVATE KEY"); PKCS#1 RSA keys ("BEGIN RSA PRIVATE KEY", as
 * opendkim-genkey writes them) are read too, so keys can be carried over from OpenDKIM by copying the
 * file under the right name.
 */
public final class DkimKeys {
  private DkimKeys() {}

  public static final int RSA_BITS = 2048;

  /** A freshly made key and the DNS record that publishes it. */
  public record Generated(SigningKey key, String dnsName, String txt) {
    /** The record in zone-file form, the TXT data split into strings of at most 255 characters. */
    public String zoneLine() {
      StringBuilder sb = new StringBuilder(dnsName).append(". IN TXT (");
      for (int i = 0; i < txt.length(); i += 255) {
        sb.append(i == 0 ? " " : "\n  ").append('"').append(txt, i, Math.min(txt.length(), i + 255)).append('"');
      }
      return sb.append(" )").toString();
    }
  }

  /** The default selector: {@code postamt-YYYYMM-rsa} / {@code postamt-YYYYMM-ed25519}, unique per month and type. */
  public static String defaultSelector(String algorithm, LocalDate today) {
    return "postamt-" + today.format(DateTimeFormatter.ofPattern("yyyyMM")) + "-" + algorithm;
  }

  public static String defaultSelector(String algorithm) {
    return defaultSelector(algorithm, LocalDate.now(ZoneOffset.UTC));
  }

  /**
   * Makes a key pair and stores the private key. {@code algorithm} is {@code rsa} (2048 bits) or {@code
   * ed25519}. Throws {@link IllegalArgumentException} with a user-facing message for bad input or an
   * existing key file.
   */
  public static Generated generate(Path dataDir, String domain, String selector, String algorithm)
      throws IOException {
    String d = normalizeDomain(domain);
    String s = selector.toLowerCase(Locale.ROOT);
    if (!isSelector(s)) {
      throw new IllegalArgumentException("bad selector '" + selector + "': use letters, digits, '-' and '.'");
    }
    DkimAlgorithm alg = switch (algorithm.toLowerCase(Locale.ROOT)) {
      case "rsa" -> DkimAlgorithm.RSA_SHA256;
      case "ed25519" -> DkimAlgorithm.ED25519_SHA256;
      default -> throw new IllegalArgumentException("unknown algorithm '" + algorithm + "': use rsa or ed25519");
    };
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
      if (alg == DkimAlgorithm.RSA_SHA256) {
        g.initialize(RSA_BITS);
      }
      pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
    }
    Path dir = dataDir.resolve("dkim").resolve(d);
    createPrivateDirectories(dir);
    Path file = dir.resolve(s + "." + alg.keyType() + ".key");
    for (String other : List.of("rsa", "ed25519")) {
      if (Files.exists(dir.resolve(s + "." + other + ".key"))) {
        throw new IllegalArgumentException("a key with selector " + s + " already exists: " + dir.resolve(s + "." + other + ".key"));
      }
    }
    String pem = pem(pair.getPrivate().getEncoded());
    writePrivate(file, pem.getBytes(StandardCharsets.US_ASCII));
    SigningKey key = new SigningKey(d, s, alg, pair.getPrivate(), file);
    return new Generated(key, s + "._domainkey." + d, txtRecord(alg, pair.getPublic()));
  }

  /** The key record to publish (RFC 6376 §3.6.1; RFC 8463 §4.2 for Ed25519's raw 32-byte key). */
  public static String txtRecord(DkimAlgorithm alg, PublicKey pub) {
    byte[] enc = pub.getEncoded();
    if (alg == DkimAlgorithm.ED25519_SHA256) {
      enc = Arrays.copyOfRange(enc, enc.length - 32, enc.length); // strip the SubjectPublicKeyInfo wrapper
    }
    return "v=DKIM1; k=" + alg.keyType() + "; p=" + Base64.getEncoder().encodeToString(enc);
  }

  /** The public half of a signing key, to print or check its DNS record. */
  public static PublicKey publicKey(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof java.security.interfaces.EdECPrivateKey ed && ed.getBytes().isPresent()) {
      var p = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(ed.getBytes().get(), 0);
      byte[] raw = p.generatePublicKey().getEncoded();
      byte[] spki = Arrays.copyOf(java.util.HexFormat.of().parseHex("302a300506032b6570032100"), 44);
      System.arraycopy(raw, 0, spki, 12, 32);
      return KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
    }
    throw new GeneralSecurityException("unsupported key " + key.getAlgorithm());
  }

  /**
   * Every key of {@code domain}, newest file first. A missing directory gives an empty list; a file
   * that cannot be read as a key is an error naming the file, so a broken key is noticed at once.
   */
  public static List<SigningKey> load(Path dataDir, String domain) throws IOException {
    String d = normalizeDomain(domain);
    Path dir = dataDir.resolve("dkim").resolve(d);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    record Found(SigningKey key, FileTime mtime) {}
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.key")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String[] parts = name.substring(0, name.length() - ".key".length()).split("\\.(?=(rsa|ed25519)$)");
        if (parts.length != 2) {
          continue; // not ours: <selector>.<algorithm>.key only
        }
        DkimAlgorithm alg = parts[1].equals("rsa") ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256;
        PrivateKey key = readPrivateKey(Files.readString(f, StandardCharsets.US_ASCII), f);
        found.add(new Found(new SigningKey(d, parts[0], alg, key, f), Files.getLastModifiedTime(f)));
      }
    }
    found.sort(Comparator.comparing(Found::mtime).reversed().thenComparing(x -> x.key().selector()));
    return found.stream().map(Found::key).toList();
  }

  /**
   * Reads a PEM private key: PKCS#8, or PKCS#1 RSA. The JDK reads the RSA and Ed25519 keys Postamt and
   * the usual tools write ({@link PemFiles#privateKey(String)}); Bouncy Castle only what it does not take,
   * so a server that signs does not load Bouncy Castle's PEM and ASN.1 classes for its keys (~190).
   */
  public static PrivateKey readPrivateKey(String pem, Path source) throws IOException {
    PrivateKey jdk = PemFiles.privateKey(pem);
    if (jdk instanceof RSAPrivateCrtKey || jdk instanceof java.security.interfaces.EdECPrivateKey ed
        && ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      return jdk;
    }
    try {
      PrivateKey key = BcPem.privateKey(pem);
      if (key != null) {
        return toJdk(key);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IOException("cannot read DKIM key " + source + ": " + e.getMessage(), e);
    }
    throw new IOException("no private key in " + source);
  }

  /** Re-encodes through the JDK provider so signing never depends on which provider parsed the PEM. */
  private static PrivateKey toJdk(PrivateKey k) throws GeneralSecurityException {
    String alg = k.getAlgorithm().equalsIgnoreCase("RSA") ? "RSA" : "Ed25519";
    return KeyFactory.getInstance(alg).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(k.getEncoded()));
  }

  /** An Ed25519 private key from its 32-byte seed (the form dkimpy and RFC 8032 use). */
  public static PrivateKey ed25519FromSeed(byte[] seed) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
  }

  static String pem(byte[] pkcs8) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8);
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** Lower-cases, drops a final dot, and checks the name is a plausible domain (no path tricks). */
  public static String normalizeDomain(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!d.contains(".") || !DkimSignature.isDomain(d) || d.chars().anyMatch(c -> c >= 0x80 || c == '_')) {
      throw new IllegalArgumentException("bad domain '" + domain + "'");
    }
    return d;
  }

  static boolean isSelector(String s) {
    return !s.isEmpty() && s.length() <= 63 && s.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
    restrict(dir, "rwx------");
    restrict(dir.getParent(), "rwx------");
  }

  /** Creates the file with mode 0600 from the start, so the key is never readable by others. */
  private static void writePrivate(Path file, byte[] data) throws IOException {
    boolean posix = Files.getFileAttributeView(file.getParent(), java.nio.file.attribute.PosixFileAttributeView.class) != null;
    Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (SeekableByteChannel ch = posix
        ? Files.newByteChannel(file, opts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.newByteChannel(file, opts)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("key file already exists: " + file);
    }
    if (posix) {
      restrict(file, "rw-------"); // the umask may have taken bits away, never added: make it exact
    }
  }

  private static void restrict(Path p, String perms) throws IOException {
    if (Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
  }
}
