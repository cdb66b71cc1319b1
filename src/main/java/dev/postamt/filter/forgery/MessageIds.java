package dev.postamt.filter.forgery;

import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.uri.Domains;
import dev.postamt.mime.Address;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the domain of a Message-ID fits the message. RFC 5322 §3.6.4 asks for a right side unique to
 * the generating host; mail clients use their host name or the sender's domain, servers their own
 * name, big mailers theirs. A domain that is none of these — not the From, envelope, Sender or Reply-To
 * domain, no host of the Received chain, no known mailer — is what bulk tools that make up IDs write.
 */
final class MessageIds {
  /** Mailers whose IDs carry their own name, whatever the From domain: webmail and bulk senders. */
  static final Set<String> BIG_MAILERS = Set.of(
      "gmail.com", "google.com", "googlemail.com", "mail.gmail.com", "yahoo.com", "yahoo.co.uk", "yahoogroups.com",
      "hotmail.com", "outlook.com", "msn.com", "live.com", "microsoft.com", "phx.gbl", "aol.com", "mx.aol.com",
      "icloud.com", "me.com", "mac.com", "apple.com", "amazonses.com", "amazon.com", "sendgrid.net", "sendgrid.com",
      "mailchimp.com", "mcsv.net", "mcdlv.net", "rsgsv.net", "mandrillapp.com", "mailgun.org", "mailgun.net",
      "sparkpostmail.com", "exacttarget.com", "salesforce.com", "facebookmail.com", "github.com", "linkedin.com",
      "twitter.com", "x.com", "zoho.com", "protonmail.com", "proton.me", "gmx.net", "gmx.de", "web.de", "mail.ru",
      "yandex.ru", "yandex.net", "qq.com", "163.com", "smtp.com", "postmarkapp.com", "mtasv.net", "listserv.net",
      "sourceforge.net", "geocrawler.com", "egroups.com", "topica.com", "lyris.net", "constantcontact.com");

  private MessageIds() {}

  static void checkDomain(ScanInput in, List<ReceivedHop> chain, String id, Findings out) {
    String right = Domains.normalise(id.substring(id.lastIndexOf('@') + 1, id.length() - 1));
    if (right.isEmpty() || right.indexOf('.') < 0 || Domains.isAddress(right) || local(right)) {
      return; // a machine's own name: says nothing
    }
    String org = Domains.registered(right);
    String provider = SenderChecks.provider(right);
    if (provider != null) {
      if (chain.size() >= 2 && !SenderChecks.passedThrough(provider, chain)) {
        out.add("FORGED_MSGID_" + provider.toUpperCase(Locale.ROOT), 1.0, "Message-ID " + HeaderForgery.clip(id)
            + " claims " + provider + " but no Received hop passed its servers");
      }
      return;
    }
    if (BIG_MAILERS.contains(org) || BIG_MAILERS.contains(right)) {
      return;
    }
    for (String field : List.of("From", "Sender", "Reply-To", "Return-Path", "To", "Cc", "List-Id", "List-Post")) {
      for (String v : in.message().header(field)) {
        if (mentions(v, org)) {
          return;
        }
      }
    }
    if (!in.mailFrom().isEmpty() && Domains.sameOrganisation(domainOf(in.mailFrom()), right)) {
      return;
    }
    for (ReceivedHop h : chain) {
      if (Domains.sameOrganisation(h.helo(), right) || (h.rdns() != null && Domains.sameOrganisation(h.rdns(), right))
          || Domains.sameOrganisation(h.by(), right)) {
        return;
      }
    }
    out.add("MSGID_DOMAIN_UNRELATED", 0.1, "Message-ID domain " + right
        + " is not the sender's, no Received host's and no known mailer's");
  }

  /** Whether an address field names {@code org} (or a name below it) anywhere in its addresses. */
  private static boolean mentions(String value, String org) {
    for (Address a : Address.parseList(value)) {
      if (a.host() != null && Domains.within(a.host(), org)) {
        return true;
      }
    }
    String v = value.toLowerCase(Locale.ROOT);
    int i = v.indexOf(org);
    return i >= 0 && (i == 0 || !Character.isLetterOrDigit(v.charAt(i - 1)) || v.charAt(i - 1) == '.');
  }

  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : Domains.normalise(address.substring(at + 1).replace(">", ""));
  }

  private static boolean local(String host) {
    return host.endsWith(".localdomain") || host.endsWith(".local") || host.endsWith(".lan") || host.endsWith(".localhost")
        || host.endsWith(".internal") || host.endsWith(".home") || host.endsWith(".intra") || host.endsWith(".corp");
  }
}
