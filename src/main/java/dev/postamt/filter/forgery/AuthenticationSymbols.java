package dev.postamt.filter.forgery;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.uri.Domains;

/**
 * Our own SPF/DKIM/DMARC/ARC/iprev results as symbols with SpamAssassin's names (its {@code
 * 25_spf.cf}, {@code 25_dkim.cf}, {@code 60_dmarc}, {@code 25_arc} and {@code RDNS_NONE}), so that
 * operators' {@code score} lines and stock meta rules see them. A message checked without a client
 * ({@link Authentication#NONE}) gets none of them: nothing was checked, so nothing is known.
 */
final class AuthenticationSymbols {
  private AuthenticationSymbols() {}

  static void add(ScanInput in, Findings out) {
    Authentication a = in.auth();
    if (a == null || a.none()) {
      return;
    }
    spf(a, out);
    dkim(in, a, out);
    switch (a.dmarc()) {
      case "pass" -> out.add("DMARC_PASS", -0.1, "DMARC pass for From domain " + a.fromDomain());
      // RFC 7489 §6.6.2: the domain owner asked receivers to treat this as unauthenticated; the
      // policy itself is not in our results, so p=none/quarantine/reject share one symbol. Mailing
      // lists break DMARC of the original sender, so a valid ARC chain from them softens it.
      case "fail" -> out.add("DMARC_FAIL", a.arc().equals("pass") ? 0.1 : 1.0,
          "DMARC fail for From domain " + a.fromDomain() + " (neither SPF nor DKIM aligned)"
              + (a.arc().equals("pass") ? "; ARC chain valid" : ""));
      default -> {}
    }
    switch (a.arc()) {
      case "pass" -> out.add("ARC_VALID", -0.1, "ARC chain valid");
      case "fail" -> out.add("ARC_INVALID", 0.1, "ARC chain present but broken");
      default -> {}
    }
    if (a.iprev().equals("fail") || a.iprev().equals("permerror")) {
      out.add("RDNS_NONE", 0.8, "client " + in.clientIp() + " has "
          + (a.clientName().isEmpty() ? "no reverse DNS name" : "reverse name " + a.clientName() + " that does not resolve back")
          + " (iprev " + a.iprev() + ")");
    }
  }

  private static void spf(Authentication a, Findings out) {
    String d = a.spfDomain().isEmpty() ? "the sender" : a.spfDomain();
    switch (a.spf()) {
      case "pass" -> out.add("SPF_PASS", -0.001, "SPF pass for " + d);
      case "fail" -> out.add("SPF_FAIL", 0.9, "SPF fail: " + d + " does not permit the client");
      case "softfail" -> out.add("SPF_SOFTFAIL", 0.7, "SPF softfail: " + d + " says the client is probably not its");
      case "neutral" -> out.add("SPF_NEUTRAL", 0.65, "SPF neutral: " + d + " makes no statement about the client");
      case "none" -> out.add("SPF_NONE", 0.001, "no SPF record for " + d);
      case "permerror" -> out.add("T_SPF_PERMERROR", 0.01, "SPF record of " + d + " is broken");
      case "temperror" -> out.add("T_SPF_TEMPERROR", 0.01, "SPF of " + d + " could not be checked now");
      default -> {}
    }
  }

  private static void dkim(ScanInput in, Authentication a, Findings out) {
    boolean signed = !in.message().headers().all("DKIM-Signature").isEmpty();
    if (signed) {
      out.add("DKIM_SIGNED", 0.1, "message has a DKIM signature");
    }
    if (!a.dkimPass().isEmpty()) {
      out.add("DKIM_VALID", -0.1, "valid DKIM signature of " + String.join(", ", a.dkimPass()));
      String from = HeaderForgery.fromDomain(in.message());
      for (String d : a.dkimPass()) {
        if (!from.isEmpty() && Domains.sameOrganisation(d, from)) {
          out.add("DKIM_VALID_AU", -0.1, "valid DKIM signature of the From domain " + from + " (d=" + d + ")");
          break;
        }
      }
    } else if (signed) {
      out.add("DKIM_INVALID", 0.1, "DKIM signature present but none verified");
    }
  }
}
