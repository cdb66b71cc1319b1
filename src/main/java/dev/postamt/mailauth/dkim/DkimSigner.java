package dev.postamt.mailauth.dkim;

import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Signs outbound mail (RFC 6376 §5): relaxed/relaxed, SHA-256, one signature per key (typically one
 * RSA and one Ed25519, RFC 8463 §5 "dual signing"). The body streams through a single hasher shared by
 * all keys. The result is header text to put in front of the message; the message itself is not
 * changed (messages are immutable on disk).
 */
public final class DkimSigner {
  /**
   * Header fields signed when present (plus every List-* field). From is signed once more than it
   * occurs, so that a From added later breaks the signature (over-signing, RFC 6376 §8.15).
   */
  public static final List<String> DEFAULT_HEADERS = List.of(
      "from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to", "references",
      "mime-version", "content-type", "content-transfer-encoding", "sender");

  private static final Set<String> OVERSIGNED = Set.of("from");

  private final List<SigningKey> keys;
  private final Clock clock;

  public DkimSigner(List<SigningKey> keys, Clock clock) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no signing keys");
    }
    this.keys = List.copyOf(keys);
    this.clock = clock;
  }

  /**
   * The signer for mail from {@code domain}: the newest key of each algorithm found under {@code
   * data_dir/dkim/<domain>/} (so a new key takes over as soon as it is made; publish its record first,
   * or make it with the server stopped). Empty when the domain has no keys.
   */
  public static Optional<DkimSigner> forDomain(Path dataDir, String domain) throws IOException {
    List<SigningKey> newest = new ArrayList<>();
    Set<DkimAlgorithm> seen = EnumSet.noneOf(DkimAlgorithm.class);
    for (SigningKey k : DkimKeys.load(dataDir, domain)) {
      if (seen.add(k.algorithm())) {
        newest.add(k);
      }
    }
    return newest.isEmpty() ? Optional.empty() : Optional.of(new DkimSigner(newest, Clock.systemUTC()));
  }

  public List<SigningKey> keys() {
    return keys;
  }

  /** The DKIM-Signature fields for {@code message}, each folded and ending in CRLF, to prepend. */
  public String sign(byte[] message) {
    try {
      return sign(new ByteArrayInputStream(message));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public String sign(Path message) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(message), 65536)) {
      return sign(in);
    }
  }

  /** Reads the message to its end; a header section over {@link HeaderSection#MAX_BYTES} is an IOException. */
  public String sign(InputStream message) throws IOException {
    HeaderSection headers = HeaderSection.read(message);
    BodyHasher body = new BodyHasher(HeaderHash.digest("SHA-256"), true, -1);
    message.transferTo(body);
    String bh = Base64.getEncoder().encodeToString(body.finish());
    List<String> names = headersToSign(headers);
    long now = clock.instant().getEpochSecond();
    StringBuilder out = new StringBuilder();
    for (SigningKey k : keys) {
      out.append(signOne(k, headers, names, bh, now));
    }
    return out.toString();
  }

  /** h= for this message: each default header once per occurrence, From once more. */
  static List<String> headersToSign(HeaderSection headers) {
    List<String> names = new ArrayList<>();
    for (Field f : headers.fields()) {
      String n = f.name().toLowerCase(Locale.ROOT);
      if (DEFAULT_HEADERS.contains(n) || n.startsWith("list-")) {
        names.add(n);
      }
    }
    names.addAll(OVERSIGNED);
    return names;
  }

  private static String signOne(SigningKey k, HeaderSection headers, List<String> names, String bh, long now) {
    Folder f = new Folder("DKIM-Signature:");
    f.add("v=1;");
    f.add("a=" + k.algorithm().tag() + ";");
    f.add("c=relaxed/relaxed;");
    f.add("d=" + k.domain() + ";");
    f.add("s=" + k.selector() + ";");
    f.add("t=" + now + ";");
    for (int i = 0; i < names.size(); i++) {
      String token = names.get(i) + (i == names.size() - 1 ? ";" : ":");
      if (i == 0) {
        f.add("h=" + token);
      } else {
        f.addAdjacent(token); // h= allows folding white space after each colon, nothing else
      }
    }
    f.add("bh=" + bh + ";");
    f.add("b=");
    String unsigned = f.text();
    byte[] data = HeaderHash.data(HeaderHash.select(headers, names), Canonicalization.RELAXED, unsigned);
    byte[] sig;
    try {
      sig = HeaderHash.sign(k.algorithm(), k.key(), data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + k.selector() + "._domainkey." + k.domain(), e);
    }
    f.addSplit(Base64.getEncoder().encodeToString(sig));
    return f.text() + "\r\n";
  }

  /** Builds a header field folded at white space to lines of at most 78 characters (RFC 5322 §2.1.1). */
  static final class Folder {
    private final StringBuilder sb;
    private int lineLength;

    Folder(String start) {
      sb = new StringBuilder(start);
      lineLength = start.length();
    }

    void add(String token) {
      if (lineLength + 1 + token.length() > 78) {
        sb.append("\r\n\t");
        lineLength = 8;
      } else {
        sb.append(' ');
        lineLength++;
      }
      sb.append(token);
      lineLength += token.length();
    }

    /** Appends directly after the previous token, or on a new folded line when it does not fit. */
    void addAdjacent(String token) {
      if (lineLength + token.length() > 78) {
        sb.append("\r\n\t");
        lineLength = 8;
      }
      sb.append(token);
      lineLength += token.length();
    }

    /** Appends a long value directly after the previous token, folding inside it where needed. */
    void addSplit(String value) {
      int i = 0;
      while (i < value.length()) {
        int room = 78 - lineLength;
        if (room < 8) {
          sb.append("\r\n\t");
          lineLength = 8;
          room = 70;
        }
        int end = Math.min(value.length(), i + room);
        sb.append(value, i, end);
        lineLength += end - i;
        i = end;
      }
    }

    String text() {
      return sb.toString();
    }
  }
}
