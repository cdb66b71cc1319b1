package dev.postamt.mailauth.arc;

import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import dev.postamt.mailauth.dkim.TagList;
import dev.postamt.mailauth.dkim.BodyHasher;
import dev.postamt.mailauth.dkim.Canonicalization;
import dev.postamt.mailauth.dkim.HeaderHash;
import dev.postamt.mailauth.dkim.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Adds an ARC set when we pass a message on (forwarding, mailing lists; RFC 8617 §5.1): an
 * ARC-Authentication-Results with our inbound results, an ARC-Message-Signature over the message as we
 * send it, and an ARC-Seal over all sets. The message is not changed; the three fields come back as
 * text to put in front of it.
 *
 * <p>No set is added when the newest existing seal already says cv=fail (§5.1.2: the chain is dead)
 * or when there are already 50 sets.
 */
public final class ArcSealer {
  /** Signed by the AMS when present: what a reader sees, and our own AAR. */
  public static final List<String> DEFAULT_HEADERS = List.of(
      "from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to", "references",
      "mime-version", "content-type", "content-transfer-encoding", "dkim-signature", "arc-authentication-results");

  private final SigningKey key;
  private final Clock clock;

  public ArcSealer(SigningKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /**
   * The new set for {@code message}, or empty when none may be added.
   *
   * @param authservId our authserv-id (the host name we put in Authentication-Results)
   * @param resinfos the results we found on arrival, e.g. {@code "spf=pass smtp.mailfrom=…"}; should
   *     include our {@code arc=} result
   * @param incoming our validation of the chain as it arrived; its status becomes the new seal's cv=
   * @param headers the header names the AMS signs, or null for {@link #DEFAULT_HEADERS} (those present)
   */
  public Optional<String> seal(
      byte[] message, String authservId, List<String> resinfos, ArcResult incoming, List<String> headers) {
    try {
      return seal(new ByteArrayInputStream(message), authservId, resinfos, incoming, headers);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** As {@link #seal(byte[], String, List, ArcResult, List)}; reads the message to its end. */
  public Optional<String> seal(
      InputStream message, String authservId, List<String> resinfos, ArcResult incoming, List<String> headers)
      throws IOException {
    HeaderSection original = HeaderSection.read(message);
    int highest = 0;
    for (Field f : original.all(ArcChain.AS)) {
      try {
        TagList t = TagList.parse(f.value());
        int i = Integer.parseInt(t.get("i").orElse("0"));
        if (i > highest) {
          highest = i;
          if (t.get("cv").orElse("").equalsIgnoreCase("fail")) {
            message.transferTo(java.io.OutputStream.nullOutputStream());
            return Optional.empty(); // the chain already failed where it was sealed last
          }
        } else if (i == highest && t.get("cv").orElse("").equalsIgnoreCase("fail")) {
          message.transferTo(java.io.OutputStream.nullOutputStream());
          return Optional.empty();
        }
      } catch (TagList.SyntaxException | NumberFormatException e) {
        // a broken old seal: the incoming status (fail) says what the new seal must
      }
    }
    int i = Math.max(highest, incoming.instances()) + 1;
    if (i > ArcChain.MAX_INSTANCES) {
      message.transferTo(java.io.OutputStream.nullOutputStream());
      return Optional.empty();
    }
    String cv = i == 1 ? "none" : incoming.status() == ArcResult.Status.PASS ? "pass" : "fail";

    BodyHasher body = new BodyHasher(HeaderHash.digest(key.algorithm().digest()), true, -1);
    message.transferTo(body);
    String bh = Base64.getEncoder().encodeToString(body.finish());

    StringBuilder aarText = new StringBuilder(ArcChain.AAR + ": i=" + i + "; " + authservId);
    for (String r : resinfos) {
      aarText.append(";\r\n\t").append(r);
    }
    Field aar = new Field(ArcChain.AAR, aarText.append("\r\n").toString());
    List<Field> withAar = new ArrayList<>();
    withAar.add(aar);
    withAar.addAll(original.fields());
    HeaderSection h1 = HeaderSection.of(withAar);

    List<String> names = new ArrayList<>();
    if (headers != null) {
      for (String n : headers) {
        names.add(n.toLowerCase(Locale.ROOT));
      }
    } else {
      for (String n : DEFAULT_HEADERS) {
        for (int k = h1.count(n); k > 0; k--) {
          names.add(n);
        }
      }
    }
    long now = clock.instant().getEpochSecond();
    // Tags in alphabetical order, as the other implementations write them.
    String amsUnsigned = ArcChain.AMS + ": a=" + key.algorithm().tag() + "; b=; bh=" + bh
        + "; c=relaxed/relaxed; d=" + key.domain() + "; h=" + String.join(":", names) + "; i=" + i
        + "; s=" + key.selector() + "; t=" + now;
    byte[] amsData = HeaderHash.data(HeaderHash.select(h1, names), Canonicalization.RELAXED, amsUnsigned);
    Field ams = new Field(ArcChain.AMS, withSignature(amsUnsigned, sign(amsData)) + "\r\n");

    String asUnsigned = ArcChain.AS + ": a=" + key.algorithm().tag() + "; b=; cv=" + cv + "; d=" + key.domain()
        + "; i=" + i + "; s=" + key.selector() + "; t=" + now;
    List<Field> sealed = new ArrayList<>();
    if (cv.equals("pass")) {
      try {
        ArcChain chain = ArcChain.parse(original);
        sealed.addAll(chain.sealedFields(i - 1));
        sealed.add(chain.sets().get(i - 2).sealField());
      } catch (ArcChain.InvalidException | IndexOutOfBoundsException e) {
        throw new IllegalArgumentException("incoming ARC chain said to pass but is malformed: " + e.getMessage());
      }
    }
    // §5.1.2: a seal with cv=fail covers only its own set, "as if this newest ARC Set was the only set
    // present"; a seal with cv=none is the first set anyway.
    sealed.add(aar);
    sealed.add(ams);
    byte[] asData = HeaderHash.data(sealed, Canonicalization.RELAXED, asUnsigned);
    String as = withSignature(asUnsigned, sign(asData)) + "\r\n";
    return Optional.of(as + ams.raw() + aar.raw());
  }

  private byte[] sign(byte[] data) {
    try {
      return HeaderHash.sign(key.algorithm(), key.key(), data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + key.selector() + "._domainkey." + key.domain(), e);
    }
  }

  /**
   * Puts the signature into "b=;" and folds the field at its "; " separators to lines of ≤ 78, except
   * that b= stays one unbroken token (a line of up to ~350 characters, well under RFC 5322's 998).
   * White space inside b= is legal but survives relaxed canonicalization, so a seal over an AMS whose
   * b= is broken differently than the sealer hashed it fails; the ARC test suite's seals were made over
   * unbroken b= values, and keeping it whole avoids the question for every validator.
   */
  private static String withSignature(String unsigned, byte[] sig) {
    String b64 = Base64.getEncoder().encodeToString(sig);
    String full = unsigned.replaceFirst("; b=;", "; b=" + b64 + ";");
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    for (String token : full.split("(?<=;) ")) {
      int lineLen = out.length() - lineStart;
      if (out.length() > 0 && lineLen + 1 + token.length() > 78) {
        out.append("\r\n\t");
        lineStart = out.length() - 1;
      } else if (out.length() > 0) {
        out.append(' ');
      }
      out.append(token);
    }
    return out.toString();
  }
}
