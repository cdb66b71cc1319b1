package dev.postamt.mailauth.dkim;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 §6). The header section is read into memory
 * (bounded by {@link HeaderSection#MAX_BYTES}); the body streams once through one canonicalizing hasher
 * per signature. One DNS TXT query per signature; DNS trouble gives TEMPERROR, never an exception.
 *
 * <p>Results come in the order the signatures appear, top first. A message without signatures gives an
 * empty list (Authentication-Results {@code dkim=none}).
 */
public final class DkimVerifier {
  private final Resolver resolver;
  private final DkimPolicy policy;
  private final Clock clock;

  public DkimVerifier(Resolver resolver) {
    this(resolver, DkimPolicy.DEFAULT, Clock.systemUTC());
  }

  public DkimVerifier(Resolver resolver, DkimPolicy policy, Clock clock) {
    this.resolver = resolver;
    this.policy = policy;
    this.clock = clock;
  }

  public List<DkimResult> verify(byte[] message) {
    try {
      return verify(new ByteArrayInputStream(message));
    } catch (IOException e) {
      throw new IllegalStateException(e); // only a too-large header section; see verify(InputStream)
    }
  }

  public List<DkimResult> verify(Path message) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(message), 65536)) {
      return verify(in);
    }
  }

  /**
   * Reads the message to its end. A header section over {@link HeaderSection#MAX_BYTES} gives a single
   * PERMERROR result rather than an exception, as does any other message we cannot parse.
   */
  public List<DkimResult> verify(InputStream message) throws IOException {
    HeaderSection headers;
    try {
      headers = HeaderSection.read(message);
    } catch (HeaderSection.TooLargeException e) {
      message.transferTo(OutputStreamSink.INSTANCE);
      return List.of(error(Status.PERMERROR, "header section too large", null));
    }
    List<Field> fields = headers.all("DKIM-Signature");
    List<DkimResult> results = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      if (i >= policy.maxSignatures()) {
        results.add(error(Status.NEUTRAL, "too many signatures, not evaluated", null));
        continue;
      }
      try {
        DkimSignature sig = DkimSignature.parse(fields.get(i).raw(), policy.acceptDrafts());
        MessageDigest md = HeaderHash.digest(sig.algorithm().digest());
        BodyHasher body = new BodyHasher(
            md, sig.bodyCanon() == Canonicalization.RELAXED, sig.bodyLength().orElse(-1));
        pending.add(new Pending(results.size(), sig, body));
        results.add(null); // filled in below, keeping message order
      } catch (DkimSignature.InvalidException e) {
        results.add(error(Status.NEUTRAL, e.getMessage(), partial(fields.get(i))));
      }
    }
    streamBody(message, pending);
    for (Pending p : pending) {
      results.set(p.index, check(headers, p.sig, p.body));
    }
    return withUniqueHeaderB(results);
  }

  private static void streamBody(InputStream in, List<Pending> pending) throws IOException {
    byte[] buf = new byte[16384];
    int n;
    while ((n = in.read(buf)) > 0) {
      for (Pending p : pending) {
        p.body.write(buf, 0, n);
      }
    }
  }

  private record Pending(int index, DkimSignature sig, BodyHasher body) {}

  private DkimResult check(HeaderSection headers, DkimSignature sig, BodyHasher body) {
    long now = clock.instant().getEpochSecond();
    if (sig.expiry().isPresent() && sig.expiry().getAsLong() < now) {
      return result(sig, Status.PERMERROR, "signature expired", 0, false, body);
    }
    if (sig.timestamp().isPresent() && sig.timestamp().getAsLong() > now + policy.futureSkew().toSeconds()) {
      return result(sig, Status.PERMERROR, "signature timestamp in the future", 0, false, body);
    }
    DkimKeyRecord key;
    DnsResult<String> txt = resolver.txt(sig.keyName());
    switch (txt.status()) {
      case TEMPFAIL -> {
        return result(sig, Status.TEMPERROR, "key lookup failed", 0, false, body);
      }
      case NXDOMAIN -> {
        return result(sig, Status.PERMERROR, "no key for signature", 0, false, body);
      }
      default -> {}
    }
    if (txt.records().isEmpty()) {
      return result(sig, Status.PERMERROR, "no key for signature", 0, false, body);
    }
    try {
      // Several TXT records at one selector is undefined (§3.6.2.2); like most verifiers, use the first.
      key = DkimKeyRecord.parse(txt.records().getFirst());
    } catch (DkimKeyRecord.InvalidException e) {
      return result(sig, Status.PERMERROR, e.getMessage(), 0, false, body);
    }
    if (!key.keyType().equals(sig.algorithm().keyType())) {
      return result(sig, Status.PERMERROR, "key type " + key.keyType() + " does not match a=", 0, key.testing(), body);
    }
    if (!key.allows(sig.algorithm())) {
      return result(sig, Status.PERMERROR, "key does not allow " + sig.algorithm().hashName(), 0, key.testing(), body);
    }
    if (key.strictIdentity()) {
      String idDomain = sig.identity().substring(sig.identity().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
      if (!idDomain.equals(sig.domain())) {
        return result(sig, Status.PERMERROR, "key has t=s but i= is a subdomain", 0, key.testing(), body);
      }
    }
    byte[] bh = body.finish();
    if (!MessageDigest.isEqual(bh, sig.bodyHash())) {
      return result(sig, Status.FAIL, "body hash did not verify", key.bits(), key.testing(), body);
    }
    if (sig.bodyLength().isPresent() && body.canonicalLength() < sig.bodyLength().getAsLong()) {
      return result(sig, Status.FAIL, "body shorter than l=", key.bits(), key.testing(), body);
    }
    String stripped = sig.raw().substring(0, sig.raw().indexOf(':') + 1) + sig.tags().withEmptyValue("b");
    byte[] data = HeaderHash.data(HeaderHash.select(headers, sig.headers()), sig.headerCanon(), stripped);
    if (!HeaderHash.verify(sig.algorithm(), key.key(), data, sig.signature())) {
      return result(sig, Status.FAIL, "signature did not verify", key.bits(), key.testing(), body);
    }
    // The signature is cryptographically sound; now the rules of RFC 8301.
    if (sig.algorithm() == DkimAlgorithm.RSA_SHA1 && !policy.allowSha1()) {
      return result(sig, Status.POLICY, "rsa-sha1 is not accepted (RFC 8301)", key.bits(), key.testing(), body);
    }
    if (key.keyType().equals("rsa") && key.bits() < policy.minRsaBits()) {
      return result(sig, Status.POLICY, key.bits() + "-bit RSA key is too weak (RFC 8301)", key.bits(), key.testing(), body);
    }
    DkimResult r = result(sig, Status.PASS, "", key.bits(), key.testing(), body);
    List<String> dup = HeaderHash.unsignedDuplicates(headers, sig.headers());
    return new DkimResult(r.status(), r.reason(), r.domain(), r.selector(), r.algorithm(), r.identity(),
        r.headerB(), r.keyBits(), r.testing(), r.bodyLengthLimited(), dup);
  }

  private static DkimResult result(
      DkimSignature sig, Status status, String reason, int bits, boolean testing, BodyHasher body) {
    body.finish();
    boolean limited = sig.bodyLength().isPresent() && body.canonicalLength() > sig.bodyLength().getAsLong();
    return new DkimResult(status, reason, sig.domain(), sig.selector(), sig.algorithm().tag(),
        sig.identity(), sig.signatureBase64(), bits, testing, limited, List.of());
  }

  private static DkimResult error(Status status, String reason, Partial p) {
    return new DkimResult(status, reason, p == null ? null : p.d, p == null ? null : p.s, p == null ? null : p.a,
        null, p == null ? null : p.b, 0, false, false, List.of());
  }

  /** What can be salvaged from an unusable signature for the report: d=, s=, a=, b= if they look sane. */
  private record Partial(String d, String s, String a, String b) {}

  private static Partial partial(Field f) {
    String d = null, s = null, a = null, b = null;
    for (String part : f.value().split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = part.substring(0, eq).strip();
      String v = part.substring(eq + 1).replaceAll("\\s+", "");
      if (!v.matches("[A-Za-z0-9._+/=-]{1,255}")) {
        continue;
      }
      switch (name) {
        case "d" -> d = v.toLowerCase(Locale.ROOT);
        case "s" -> s = v.toLowerCase(Locale.ROOT);
        case "a" -> a = v.toLowerCase(Locale.ROOT);
        case "b" -> b = v;
        default -> {}
      }
    }
    return new Partial(d, s, a, b);
  }

  /**
   * Shortens each b= to the first 8 characters, or more when two signatures would share a prefix
   * (RFC 6008 §4).
   */
  private static List<DkimResult> withUniqueHeaderB(List<DkimResult> results) {
    List<DkimResult> out = new ArrayList<>(results.size());
    for (DkimResult r : results) {
      if (r.headerB() == null) {
        out.add(r);
        continue;
      }
      int len = 8;
      while (len < r.headerB().length() && clashes(results, r, len)) {
        len++;
      }
      out.add(r.withHeaderB(r.headerB().substring(0, Math.min(len, r.headerB().length()))));
    }
    return List.copyOf(out);
  }

  private static boolean clashes(List<DkimResult> all, DkimResult r, int len) {
    String mine = r.headerB().substring(0, Math.min(len, r.headerB().length()));
    Set<String> seen = new HashSet<>();
    for (DkimResult o : all) {
      if (o != r && o.headerB() != null && !o.headerB().equals(r.headerB()) && o.headerB().startsWith(mine)) {
        seen.add(o.headerB());
      }
    }
    return !seen.isEmpty();
  }

  /** Discards what is left of a stream we will not evaluate. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
