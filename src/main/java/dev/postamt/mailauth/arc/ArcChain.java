package dev.postamt.mailauth.arc;

import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import dev.postamt.mailauth.dkim.TagList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARC sets of a message (RFC 8617 §4): for each instance 1..N one ARC-Authentication-Results
 * (AAR), one ARC-Message-Signature (AMS) and one ARC-Seal (AS). {@link #parse} checks the structure of
 * §5.2 steps 2–3; anything malformed makes the chain invalid, which a validator reports as cv=fail.
 */
public record ArcChain(List<Set> sets) {
  /** At most 50 sets (RFC 8617 §4.2.1). */
  public static final int MAX_INSTANCES = 50;

  /** One ARC set. {@code ams} and {@code seal} are parsed tag lists; the fields are kept raw for hashing. */
  public record Set(int instance, Field aar, Field amsField, TagList ams, Field sealField, TagList seal) {
    /** The cv= of the seal, lower-cased. */
    public String cv() {
      return seal.get("cv").orElse("").toLowerCase(Locale.ROOT);
    }
  }

  /** A chain that cannot be evaluated; the message says why. */
  public static final class InvalidException extends Exception {
    public InvalidException(String message) {
      super(message);
    }
  }

  public static final String AAR = "ARC-Authentication-Results";
  public static final String AMS = "ARC-Message-Signature";
  public static final String AS = "ARC-Seal";

  private static final Pattern AAR_INSTANCE = Pattern.compile("^[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]+)[ \\t\\r\\n]*;(?s:.*)$");

  public boolean isEmpty() {
    return sets.isEmpty();
  }

  public int highest() {
    return sets.size();
  }

  /** Whether the message carries any ARC header field at all. */
  public static boolean present(HeaderSection headers) {
    return headers.count(AAR) + headers.count(AMS) + headers.count(AS) > 0;
  }

  /**
   * Collects and checks the sets. Each instance must have exactly one field of each kind, instances
   * must run 1..N without gaps, and the seals' cv= must be none for i=1 and pass above (§5.2 step 3).
   * A top seal with cv=fail is reported by the caller before this matters (§5.2 step 2).
   */
  public static ArcChain parse(HeaderSection headers) throws InvalidException {
    Map<Integer, Field> aar = new TreeMap<>();
    Map<Integer, Field> ams = new TreeMap<>();
    Map<Integer, Field> as = new TreeMap<>();
    Map<Integer, TagList> amsTags = new TreeMap<>();
    Map<Integer, TagList> asTags = new TreeMap<>();
    for (Field f : headers.fields()) {
      if (f.is(AAR)) {
        Matcher m = AAR_INSTANCE.matcher(f.value());
        if (!m.matches()) {
          throw new InvalidException("ARC-Authentication-Results without i=");
        }
        put(aar, instance(m.group(1)), f, AAR);
      } else if (f.is(AMS) || f.is(AS)) {
        TagList t;
        try {
          t = TagList.parse(f.value());
        } catch (TagList.SyntaxException e) {
          throw new InvalidException(f.name() + ": " + e.getMessage());
        }
        int i = instance(t.get("i").orElseThrow(() -> new InvalidException(f.name() + " without i=")));
        if (f.is(AMS)) {
          put(ams, i, f, AMS);
          amsTags.put(i, t);
        } else {
          put(as, i, f, AS);
          asTags.put(i, t);
        }
      }
    }
    int n = Math.max(aar.size(), Math.max(ams.size(), as.size()));
    if (n > MAX_INSTANCES) {
      throw new InvalidException("more than " + MAX_INSTANCES + " ARC sets");
    }
    List<Set> sets = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (!aar.containsKey(i) || !ams.containsKey(i) || !as.containsKey(i)) {
        throw new InvalidException("ARC set " + i + " is incomplete");
      }
      Set s = new Set(i, aar.get(i), ams.get(i), amsTags.get(i), as.get(i), asTags.get(i));
      String want = i == 1 ? "none" : "pass";
      if (!s.cv().equals(want) && !(i == n && s.cv().equals("fail"))) {
        throw new InvalidException("ARC-Seal i=" + i + " has cv=" + s.cv() + ", expected " + want);
      }
      sets.add(s);
    }
    return new ArcChain(List.copyOf(sets));
  }

  private static int instance(String v) throws InvalidException {
    if (!v.matches("[0-9]{1,2}")) {
      throw new InvalidException("bad ARC instance i=" + v);
    }
    int i = Integer.parseInt(v);
    if (i < 1 || i > MAX_INSTANCES) {
      throw new InvalidException("bad ARC instance i=" + v);
    }
    return i;
  }

  private static void put(Map<Integer, Field> m, int i, Field f, String kind) throws InvalidException {
    if (m.putIfAbsent(i, f) != null) {
      throw new InvalidException("two " + kind + " fields with i=" + i);
    }
  }

  /**
   * The fields an ARC-Seal of instance {@code upTo} signs, in order (§5.1.1): AAR, AMS, AS of each set
   * from 1, ending with the AMS of {@code upTo}; the seal itself is added by the caller with b= empty.
   */
  public List<Field> sealedFields(int upTo) {
    List<Field> out = new ArrayList<>();
    for (Set s : sets) {
      if (s.instance() > upTo) {
        break;
      }
      out.add(s.aar());
      out.add(s.amsField());
      if (s.instance() < upTo) {
        out.add(s.sealField());
      }
    }
    return out;
  }
}
