package dev.postamt.mailauth.arc;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import dev.postamt.mailauth.dkim.TagList;
import dev.postamt.mailauth.arc.ArcResult.Status;
import dev.postamt.mailauth.dkim.BodyHasher;
import dev.postamt.mailauth.dkim.Canonicalization;
import dev.postamt.mailauth.dkim.DkimAlgorithm;
import dev.postamt.mailauth.dkim.DkimKeyRecord;
import dev.postamt.mailauth.dkim.DkimPolicy;
import dev.postamt.mailauth.dkim.DkimSignature;
import dev.postamt.mailauth.dkim.HeaderHash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Validates an ARC chain (RFC 8617 §5.2): structure, the newest ARC-Message-Signature (like a DKIM
 * signature over the message as it arrived), and every ARC-Seal (each over the sets below it). The
 * chain is "none" without ARC fields, "fail" at the first problem, else "pass". Temporary DNS errors
 * also give "fail" with a reason saying so: ARC has no temperror, and a caller that wants to retry can
 * look at the reason.
 *
 * <p>Keys follow the DKIM rules ({@link DkimPolicy}): no sha1, no RSA keys under 1024 bits.
 */
public final class ArcVerifier {
  private final Resolver resolver;
  private final DkimPolicy policy;

  public ArcVerifier(Resolver resolver) {
    this(resolver, DkimPolicy.DEFAULT);
  }

  public ArcVerifier(Resolver resolver, DkimPolicy policy) {
    this.resolver = resolver;
    this.policy = policy;
  }

  public ArcResult verify(byte[] message) {
    try {
      return verify(new ByteArrayInputStream(message));
    } catch (IOException e) {
      return new ArcResult(Status.FAIL, e.getMessage(), 0, null);
    }
  }

  /** Reads the message to its end. */
  public ArcResult verify(InputStream message) throws IOException {
    HeaderSection headers = HeaderSection.read(message);
    if (!ArcChain.present(headers)) {
      message.transferTo(OutputStream.nullOutputStream());
      return ArcResult.NONE;
    }
    // §5.2 step 2: a chain its last sealer already judged failed stays failed.
    List<Field> seals = headers.all(ArcChain.AS);
    int top = 0;
    String topCv = null;
    for (Field f : seals) {
      try {
        TagList t = TagList.parse(f.value());
        int i = Integer.parseInt(t.get("i").orElse("0"));
        if (i > top) {
          top = i;
          topCv = t.get("cv").orElse("");
        }
      } catch (TagList.SyntaxException | NumberFormatException e) {
        // structure checking below reports it
      }
    }
    if ("fail".equalsIgnoreCase(topCv)) {
      message.transferTo(OutputStream.nullOutputStream());
      return new ArcResult(Status.FAIL, "newest seal has cv=fail", top, null);
    }
    ArcChain chain;
    try {
      chain = ArcChain.parse(headers);
    } catch (ArcChain.InvalidException e) {
      message.transferTo(OutputStream.nullOutputStream());
      return new ArcResult(Status.FAIL, e.getMessage(), 0, null);
    }
    ArcChain.Set newest = chain.sets().getLast();
    String amsProblem = checkAms(headers, newest.amsField(), newest.ams(), message);
    if (amsProblem != null) {
      return new ArcResult(Status.FAIL, "AMS i=" + newest.instance() + ": " + amsProblem, chain.highest(), null);
    }
    for (int i = chain.highest(); i >= 1; i--) {
      ArcChain.Set s = chain.sets().get(i - 1);
      String problem = checkSeal(chain, s);
      if (problem != null) {
        return new ArcResult(Status.FAIL, "AS i=" + i + ": " + problem, chain.highest(), null);
      }
    }
    return new ArcResult(Status.PASS, "", chain.highest(), newest.seal().get("d").orElse("").toLowerCase(Locale.ROOT));
  }

  /** Verifies an ARC-Message-Signature; reads the body from {@code body}. Null when it verifies. */
  private String checkAms(HeaderSection headers, Field field, TagList t, InputStream body) throws IOException {
    String missing = missing(t, "a", "b", "bh", "d", "i", "s");
    if (missing != null || !t.has("h")) {
      body.transferTo(OutputStream.nullOutputStream());
      return missing != null ? missing : "missing tag h=";
    }
    DkimAlgorithm alg = DkimAlgorithm.parse(t.get("a").orElseThrow());
    Canonicalization hc = Canonicalization.SIMPLE;
    Canonicalization bc = Canonicalization.SIMPLE;
    if (t.has("c")) {
      String[] c = t.get("c").orElseThrow().split("/", -1);
      hc = c.length <= 2 ? Canonicalization.parse(c[0]) : null;
      bc = c.length == 2 ? Canonicalization.parse(c[1]) : c.length == 1 ? Canonicalization.SIMPLE : null;
    }
    if (alg == null || hc == null || bc == null) {
      body.transferTo(OutputStream.nullOutputStream());
      return "unknown algorithm or canonicalization";
    }
    // Unlike DKIM, the ARC suite accepts an empty h= and empty names in it (they select nothing):
    // the seals, not the AMS, protect the chain, so we follow the suite here.
    List<String> names = new ArrayList<>();
    for (String h : t.get("h").orElseThrow().split(":", -1)) {
      String n = TagList.withoutWhiteSpace(h).toLowerCase(Locale.ROOT);
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    if (names.contains("arc-seal")) {
      body.transferTo(OutputStream.nullOutputStream());
      return "h= includes ARC-Seal (RFC 8617 §4.1.2)";
    }
    BodyHasher hasher = new BodyHasher(HeaderHash.digest(alg.digest()), bc == Canonicalization.RELAXED, -1);
    body.transferTo(hasher);
    byte[] bh;
    try {
      bh = Base64.getDecoder().decode(TagList.withoutWhiteSpace(t.get("bh").orElseThrow()));
    } catch (IllegalArgumentException e) {
      return "bad base64 in bh=";
    }
    if (!MessageDigest.isEqual(hasher.finish(), bh)) {
      return "body hash did not verify";
    }
    String stripped = field.raw().substring(0, field.raw().indexOf(':') + 1) + t.withEmptyValue("b");
    byte[] data = HeaderHash.data(HeaderHash.select(headers, names), hc, stripped);
    return checkSignature(t, alg, data);
  }

  private String checkSeal(ArcChain chain, ArcChain.Set s) {
    TagList t = s.seal();
    String missing = missing(t, "a", "b", "cv", "d", "i", "s");
    if (missing != null) {
      return missing;
    }
    if (t.has("h")) {
      return "h= is not allowed in a seal"; // RFC 8617 §4.1.3
    }
    DkimAlgorithm alg = DkimAlgorithm.parse(t.get("a").orElseThrow());
    if (alg == null) {
      return "unknown algorithm";
    }
    String stripped = s.sealField().raw().substring(0, s.sealField().raw().indexOf(':') + 1) + t.withEmptyValue("b");
    byte[] data = HeaderHash.data(chain.sealedFields(s.instance()), Canonicalization.RELAXED, stripped);
    return checkSignature(t, alg, data);
  }

  private static String missing(TagList t, String... required) {
    for (String r : required) {
      if (!t.has(r) || t.get(r).orElseThrow().isEmpty()) {
        return "missing tag " + r + "=";
      }
    }
    return null;
  }

  /** Key lookup and signature check, with the DKIM key rules; null when the signature verifies. */
  private String checkSignature(TagList t, DkimAlgorithm alg, byte[] data) {
    if (alg == DkimAlgorithm.RSA_SHA1 && !policy.allowSha1()) {
      return "rsa-sha1 is not accepted (RFC 8301)";
    }
    String d = t.get("d").orElseThrow().toLowerCase(Locale.ROOT);
    String sel = t.get("s").orElseThrow().toLowerCase(Locale.ROOT);
    if (!DkimSignature.isDomain(d) || !DkimSignature.isDomain(sel)) {
      return "bad d= or s=";
    }
    if (t.has("t") && !t.get("t").orElseThrow().matches("[0-9]{1,12}")) {
      return "bad t=";
    }
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(TagList.withoutWhiteSpace(t.get("b").orElseThrow()));
    } catch (IllegalArgumentException e) {
      return "bad base64 in b=";
    }
    DnsResult<String> txt = resolver.txt(sel + "._domainkey." + d);
    if (txt.status() == DnsResult.Status.TEMPFAIL) {
      return "temporary DNS error fetching the key";
    }
    if (txt.records().isEmpty()) {
      return "no key at " + sel + "._domainkey." + d;
    }
    DkimKeyRecord key;
    try {
      key = DkimKeyRecord.parse(txt.records().getFirst());
    } catch (DkimKeyRecord.InvalidException e) {
      return e.getMessage();
    }
    if (!key.keyType().equals(alg.keyType()) || !key.allows(alg)) {
      return "key does not fit a=";
    }
    if (key.keyType().equals("rsa") && key.bits() < policy.minRsaBits()) {
      return key.bits() + "-bit RSA key is too weak (RFC 8301)";
    }
    return HeaderHash.verify(alg, key.key(), data, sig) ? null : "signature did not verify";
  }
}
