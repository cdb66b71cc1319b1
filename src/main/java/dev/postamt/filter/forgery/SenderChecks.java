package dev.postamt.filter.forgery;

import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.uri.Domains;
import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sender fields against each other and against the path: From, envelope sender and Reply-To
 * (freemail replies to a business sender), display names that carry another domain's address, big
 * webmail providers named in From or HELO that the Received chain never passed through, and mail
 * clients named in X-Mailer whose Message-ID is not of their making.
 */
final class SenderChecks {
  /** Webmail providers whose mail always leaves through their own servers, and those servers' domains. */
  private static final Map<String, List<String>> PROVIDERS = Map.of(
      "hotmail", List.of("hotmail.com", "msn.com", "outlook.com", "live.com", "phx.gbl", "microsoft.com", "hotmail.msn.com"),
      "yahoo", List.of("yahoo.com", "yahoo.net", "yahoodns.net", "yahoogroups.com", "yahoo.co.uk", "yahoo.co.jp", "yahoo.fr",
          "yahoo.de", "yahoo.ca", "yahoo.com.au"),
      "gmail", List.of("google.com", "gmail.com", "googlemail.com", "1e100.net"),
      "aol", List.of("aol.com", "aol.net", "aim.com"));
  private static final Map<String, String> SYMBOL = Map.of(
      "hotmail", "FORGED_HOTMAIL_RCVD2", "yahoo", "FORGED_YAHOO_RCVD", "gmail", "FORGED_GMAIL_RCVD", "aol", "FORGED_AOL_RCVD");
  private static final Set<String> FREEMAIL = Set.of(
      "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.ca", "yahoo.com.au",
      "ymail.com", "rocketmail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com",
      "aol.com", "aim.com", "gmx.net", "gmx.de", "gmx.com", "web.de", "mail.ru", "inbox.ru", "list.ru", "bk.ru",
      "yandex.ru", "yandex.com", "icloud.com", "me.com", "mac.com", "protonmail.com", "proton.me", "zoho.com",
      "mail.com", "email.com", "usa.com", "excite.com", "lycos.com", "netscape.net", "juno.com", "rediffmail.com",
      "qq.com", "163.com", "126.com", "sina.com", "naver.com", "hanmail.net", "libero.it", "tiscali.it",
      "t-online.de", "btinternet.com", "virgilio.it", "wanadoo.fr", "orange.fr", "laposte.net", "seznam.cz",
      "interia.pl", "wp.pl", "o2.pl", "onet.pl", "tutanota.com", "fastmail.com", "fastmail.fm", "hushmail.com");
  private static final Pattern EMAIL_IN_NAME =
      Pattern.compile("[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,24})");
  private static final Pattern OUTLOOK_MUA = Pattern.compile(
      "^(?:Microsoft (?:Office )?Outlook(?: Express)?(?: IMO| CWS|,)?(?: Build)? ?[0-9][0-9.]*|Microsoft Outlook Express [0-9]|Microsoft Office Outlook|Microsoft Outlook 1[0-9]\\.)",
      Pattern.CASE_INSENSITIVE);
  /** Outlook and Outlook Express: {@code <000801c2…$…$…@host>}; Outlook 2000/XP: 28 letters A-P then {@code .user@}. */
  private static final Pattern OUTLOOK_MSGID = Pattern.compile(
      "<(?:[0-9a-f]{12}\\$[0-9a-f]{8}\\$[0-9a-f]{8}@[^>]+|[A-P]{28}\\.[^@>]+@[^>]+|[A-P]{28}@[^>]+)>", Pattern.CASE_INSENSITIVE);
  /** Outlook with Exchange or Microsoft 365 takes the server's ID: {@code <DM6PR…@DM6PR….prod.outlook.com>}, {@code <5C8B…@EXCH01>}. */
  private static final Pattern EXCHANGE_MSGID = Pattern.compile(
      "<(?:[^@>]+@[^>]*\\.(?:outlook\\.com|exchangelabs\\.com)|[0-9A-F]{30,}@[^>]+)>",
      Pattern.CASE_INSENSITIVE);
  /** An ID a server wrote because the client gave none (Exim, Sendmail, Postfix, qmail, Hotmail): says nothing. */
  private static final Pattern SERVER_MSGID = Pattern.compile(
      "<(?:E1[0-9A-Za-z]{5,6}-[0-9A-Za-z]{4,6}-[0-9A-Za-z]{2}|[0-9]{12}\\.[A-Za-z0-9]{6,}|[0-9]{14}\\.[0-9A-F]+"
          + "|[0-9]+\\.[0-9]+\\.qmail|OE[0-9A-Za-z]{10,}|DAV[0-9A-Za-z]+|[A-Za-z0-9]+\\.[0-9]+\\.[0-9]+\\.JavaMail\\..*)@[^>]+>",
      Pattern.CASE_INSENSITIVE);

  private SenderChecks() {}

  static void add(ScanInput in, List<ReceivedHop> chain, Findings out) {
    ScannedMessage m = in.message();
    String from = HeaderForgery.fromAddress(m);
    String fromDomain = HeaderForgery.fromDomain(m);
    if (fromDomain.isEmpty()) {
      return;
    }
    replyTo(m, fromDomain, out);
    envelope(in, fromDomain, out);
    displayName(m, from, out);
    webmailPath(chain, fromDomain, out);
    outlook(m, out);
  }

  /** The big provider a host name belongs to, or null. */
  static String provider(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    for (Map.Entry<String, List<String>> e : PROVIDERS.entrySet()) {
      for (String d : e.getValue()) {
        if (Domains.within(host, d)) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  /** Whether {@code host} is one of the provider's servers. */
  static boolean infrastructureOf(String provider, String host) {
    for (String d : PROVIDERS.get(provider)) {
      if (Domains.within(host, d)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some hop of the chain was received by, or came from, one of the provider's servers. */
  static boolean passedThrough(String provider, List<ReceivedHop> chain) {
    for (ReceivedHop h : chain) {
      if (infrastructureOf(provider, h.by()) || infrastructureOf(provider, h.helo())
          || (h.rdns() != null && infrastructureOf(provider, h.rdns()))) {
        return true;
      }
    }
    return false;
  }

  static boolean freemail(String domain) {
    return FREEMAIL.contains(Domains.normalise(domain));
  }

  private static void replyTo(ScannedMessage m, String fromDomain, Findings out) {
    for (String v : m.header("Reply-To")) {
      for (Address a : Address.parseList(v)) {
        if (a.host() == null) {
          continue;
        }
        String d = Domains.normalise(a.host());
        if (freemail(d) && !freemail(fromDomain) && !Domains.sameOrganisation(d, fromDomain)) {
          out.add("FREEMAIL_FORGED_REPLYTO", 2.0, "replies go to freemail " + a.email() + " while From is " + fromDomain);
          return;
        }
      }
    }
  }

  private static void envelope(ScanInput in, String fromDomain, Findings out) {
    String env = MessageIds.domainOf(in.mailFrom());
    if (!env.isEmpty() && !Domains.sameOrganisation(env, fromDomain)) {
      out.add("HEADER_FROM_DIFFERENT_DOMAINS", 0.001, "From domain " + fromDomain + " differs from the envelope sender's " + env);
    }
  }

  /** "service@paypal.com" &lt;x@evil.example&gt;: the name shows an address the mail does not come from. */
  private static void displayName(ScannedMessage m, String from, Findings out) {
    String raw = m.headers().all("From").isEmpty() ? "" : m.headers().all("From").getFirst().value();
    for (Address a : Address.parseList(HeaderText.unfold(raw))) {
      if (a.host() == null || a.name() == null) {
        continue;
      }
      String name = HeaderText.decode(a.name());
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.contains(" via ") || lower.contains("on behalf of") || lower.contains(" for ")) {
        return; // list and group rewrites (RFC 7960 §4.1.3): the named address is the original author
      }
      Matcher e = EMAIL_IN_NAME.matcher(name);
      if (e.find() && !Domains.sameOrganisation(e.group(1), a.host())) {
        out.add("FORGED_FROM_NAME_ADDR", 2.0, "From shows " + e.group() + " as its name but is " + from);
      }
      return;
    }
  }

  /** From a webmail provider, yet not one hop through its servers. */
  private static void webmailPath(List<ReceivedHop> chain, String fromDomain, Findings out) {
    String p = provider(fromDomain);
    if (p == null || !freemail(fromDomain) || chain.size() < 2 || passedThrough(p, chain)) {
      return;
    }
    out.add(SYMBOL.get(p), 1.0, "From is " + fromDomain + " but no Received hop passed " + p + "'s servers");
  }

  private static void outlook(ScannedMessage m, Findings out) {
    String mua = m.first("X-Mailer");
    if (mua.isEmpty() || !OUTLOOK_MUA.matcher(mua).find() || mua.contains("Mac")) {
      return;
    }
    String id = HeaderText.stripComments(m.first("Message-ID")).strip();
    if (id.isEmpty() || SERVER_MSGID.matcher(id).matches() || OUTLOOK_MSGID.matcher(id).matches()
        || EXCHANGE_MSGID.matcher(id).matches()) {
      return;
    }
    out.add("FORGED_MUA_OUTLOOK", 1.9, "X-Mailer says " + HeaderForgery.clip(mua) + " but Message-ID "
        + HeaderForgery.clip(id) + " is not of Outlook's making");
  }
}
