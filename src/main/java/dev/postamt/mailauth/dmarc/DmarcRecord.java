package dev.postamt.mailauth.dmarc;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 §6.3). Parsing is lenient where the RFC asks for it: unknown tags
 * are ignored and a bad value of an optional tag falls back to its default (§6.3: "syntax errors in
 * the remainder of the record SHOULD be discarded in favor of default values"). Only a missing v=DMARC1
 * at the start, or a missing/bad p= without a rua= (§6.6.3 step 6), makes a record unusable.
 *
 * @param subdomainPolicy sp=, or empty to use p=
 * @param strictDkim adkim=s
 * @param strictSpf aspf=s
 * @param percent pct=, 0..100
 */
public record DmarcRecord(
    Policy policy, Optional<Policy> subdomainPolicy, boolean strictDkim, boolean strictSpf, int percent) {

  public enum Policy {
    NONE,
    QUARANTINE,
    REJECT;

    static Policy parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "quarantine" -> QUARANTINE;
        case "reject" -> REJECT;
        default -> null;
      };
    }

    /** The next less severe policy, applied to messages that pct= leaves out (§6.6.4). */
    Policy weaker() {
      return this == REJECT ? QUARANTINE : NONE;
    }

    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Pattern VERSION = Pattern.compile("^v\\s*=\\s*DMARC1\\s*(;.*)?$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** Whether a TXT record is a DMARC record at all (§6.6.3 step 3: the others are discarded). */
  static boolean isDmarc(String txt) {
    return VERSION.matcher(txt.strip()).matches();
  }

  /** Parses a record; empty when it is not usable as a policy. */
  public static Optional<DmarcRecord> parse(String txt) {
    if (!isDmarc(txt)) {
      return Optional.empty();
    }
    Policy p = null;
    Policy sp = null;
    boolean adkimStrict = false;
    boolean aspfStrict = false;
    int pct = 100;
    boolean rua = false;
    String[] parts = txt.strip().split(";");
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].strip();
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).strip();
      switch (name) {
        case "p" -> p = Policy.parse(value);
        case "sp" -> sp = Policy.parse(value);
        case "adkim" -> adkimStrict = value.equalsIgnoreCase("s");
        case "aspf" -> aspfStrict = value.equalsIgnoreCase("s");
        case "pct" -> pct = percent(value);
        case "rua" -> rua = value.toLowerCase(Locale.ROOT).contains("mailto:");
        default -> {} // rua/ruf/fo/rf/ri/np and unknown tags do not change the verdict
      }
    }
    if (p == null) {
      if (!rua) {
        return Optional.empty();
      }
      p = Policy.NONE;
    }
    return Optional.of(new DmarcRecord(p, Optional.ofNullable(sp), adkimStrict, aspfStrict, pct));
  }

  private static int percent(String v) {
    if (!v.matches("\\d{1,3}")) {
      return 100;
    }
    int n = Integer.parseInt(v);
    return n > 100 ? 100 : n;
  }
}
