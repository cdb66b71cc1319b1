package dev.postamt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code [spam]}: the content scan at the end of DATA (rules, Bayes, checksums, forgery analysis, URI
 * lists, white- and blacklists) and what its score decides. Thresholds follow SpamAssassin's scale
 * ({@code required_score} 5.0).
 *
 * @param enabled whether messages are scanned at all
 * @param addHeader from this score the message is tagged as spam ({@code X-Spam-Status: Yes}, {@code
 *     X-Spam-Flag: YES}; the default Sieve script files it into Junk)
 * @param quarantine from this score the message is held in the quarantine instead of delivered
 * @param reject from this score the message is refused with {@code 550 5.7.1} at the end of DATA
 * @param rules extra rule files or directories in the SpamAssassin rule language, loaded after the
 *     shipped rules (a later {@code score} line wins)
 * @param outboundReject authenticated submissions scoring this much are refused (a compromised account
 *     must not send spam); from {@link #addHeader} on they are logged as suspicious
 * @param maxSize bytes of a message the scanner reads (the header section always whole); the rest of
 *     a larger message is not scanned and the report says so
 * @param bayes whether the Bayes classifier runs
 * @param bayesPerUser one token database per recipient (the first local one) instead of one for all
 * @param bayesMinLearned messages of each kind (spam and ham) learned before Bayes gives a score
 *     (SpamAssassin's {@code bayes_min_spam_num}/{@code bayes_min_ham_num})
 * @param autolearn learn messages scoring at least {@link #autolearnSpam} as spam and at most {@link
 *     #autolearnHam} as ham (Bayes' own symbols excluded from that score)
 * @param bayesTokenTtl tokens not seen for this long are expired
 * @param checksums fuzzy checksums of messages learned as spam; a later near-copy adds a symbol
 * @param uribl URI DNS block lists, {@code zone[=pattern][*score]}, asked about the domains of the
 *     links in a message
 * @param learnFromJunk moving a message into Junk over IMAP or JMAP learns it as spam, out of Junk as ham
 * @param autoWhitelist addresses a user has written to (authenticated submissions) are whitelisted for
 *     that user
 * @param whitelistFrom global {@code whitelist_from} patterns ({@code *@example.org}): only when the
 *     From domain passes DKIM or SPF aligned
 * @param whitelistTo recipients whose mail is never tagged
 * @param blacklistFrom senders whose mail is always spam
 * @param allSpamTo recipients who want all mail, spam included, untagged (SpamAssassin {@code
 *     all_spam_to})
 * @param moreSpamTo recipients who accept more spam (a smaller negative score)
 * @param dnsTimeout the time-out of URI list queries; a list that does not answer is skipped
 * @param bodyPartScanSize characters of each text part that body rules read (SpamAssassin's {@code
 *     body_part_scan_size}, 50,000 since 3.4.3); the part is cut at the last white space before it
 * @param rawbodyPartScanSize the same for rawbody rules (SpamAssassin's {@code rawbody_part_scan_size},
 *     500,000)
 */
public record Spam(
    boolean enabled,
    double addHeader,
    double quarantine,
    double reject,
    List<Path> rules,
    double outboundReject,
    long maxSize,
    boolean bayes,
    boolean bayesPerUser,
    int bayesMinLearned,
    boolean autolearn,
    double autolearnSpam,
    double autolearnHam,
    Duration bayesTokenTtl,
    boolean checksums,
    List<String> uribl,
    boolean learnFromJunk,
    boolean autoWhitelist,
    List<String> whitelistFrom,
    List<String> whitelistTo,
    List<String> blacklistFrom,
    List<String> allSpamTo,
    List<String> moreSpamTo,
    Duration dnsTimeout,
    int bodyPartScanSize,
    int rawbodyPartScanSize) {

  private static final Pattern URIBL_SITE =
      Pattern.compile("([A-Za-z0-9_.-]+?)\\.?(?:=([0-9.\\[\\];]+))?(?:\\*(-?\\d{1,4}(?:\\.\\d{1,3})?))?");
  private static final Pattern ADDRESS_PATTERN = Pattern.compile("[A-Za-z0-9*?._+=@'/!#$%&^`{|}~-]{1,254}");

  /** Why a {@code spam.uribl} entry is not {@code zone[=pattern][*score]}, or null when it is one. */
  static String uriblProblem(String site) {
    Matcher m = URIBL_SITE.matcher(site.strip());
    if (!m.matches() || !m.group(1).contains(".")) {
      return "\"" + site + "\" is not \"zone[=127.0.0.[2..11]][*score]\"";
    }
    if (m.group(2) != null) {
      try {
        Dnsbl.Site.parse(m.group(1) + "=" + m.group(2));
      } catch (IllegalArgumentException e) {
        return "\"" + site + "\" has a bad address pattern \"" + m.group(2) + "\"";
      }
    }
    return null;
  }

  static Spam parse(ConfigReader r) {
    r.allowKeys(
        "spam", "enabled", "add_header", "quarantine", "reject", "rules", "outbound_reject", "max_size", "bayes",
        "bayes_per_user", "bayes_min_learned", "autolearn", "autolearn_spam", "autolearn_ham", "bayes_token_ttl",
        "checksums", "uribl", "learn_from_junk", "auto_whitelist", "whitelist_from", "whitelist_to", "blacklist_from",
        "all_spam_to", "more_spam_to", "dns_timeout", "body_part_scan_size",
        "rawbody_part_scan_size");
    double addHeader = r.decimal("spam.add_header", 5.0, -1000, 1000);
    double quarantine = r.decimal("spam.quarantine", 15.0, -1000, 1000);
    double reject = r.decimal("spam.reject", 20.0, -1000, 1000);
    List<String> uribl = r.strings("spam.uribl", List.of());
    for (String site : uribl) {
      String problem = uriblProblem(site);
      if (problem != null) {
        r.error("spam.uribl", problem);
      }
    }
    for (String key : List.of("whitelist_from", "whitelist_to", "blacklist_from", "all_spam_to", "more_spam_to")) {
      for (String p : r.strings("spam." + key, List.of())) {
        if (p.isBlank() || !ADDRESS_PATTERN.matcher(p.strip()).matches()) {
          r.error("spam." + key, "\"" + p + "\" is not an address pattern like *@example.org or user@*.example.org");
        }
      }
    }
    if (addHeader > reject) {
      r.error("spam.add_header", "must not be above spam.reject (" + reject + "), got " + addHeader);
    }
    return new Spam(
        r.bool("spam.enabled", true),
        addHeader,
        quarantine,
        reject,
        r.pathOrPaths("spam.rules"),
        r.decimal("spam.outbound_reject", 10.0, -1000, 1000),
        r.size("spam.max_size", 2L << 20, 64L << 10, 1L << 30),
        r.bool("spam.bayes", true),
        r.bool("spam.bayes_per_user", false),
        r.integer("spam.bayes_min_learned", 200, 0, 1_000_000),
        r.bool("spam.autolearn", true),
        r.decimal("spam.autolearn_spam", 12.0, -1000, 1000),
        r.decimal("spam.autolearn_ham", 0.1, -1000, 1000),
        r.duration("spam.bayes_token_ttl", Duration.ofDays(180), Duration.ofDays(1), Duration.ofDays(36500)),
        r.bool("spam.checksums", true),
        uribl,
        r.bool("spam.learn_from_junk", true),
        r.bool("spam.auto_whitelist", true),
        r.strings("spam.whitelist_from", List.of()),
        r.strings("spam.whitelist_to", List.of()),
        r.strings("spam.blacklist_from", List.of()),
        r.strings("spam.all_spam_to", List.of()),
        r.strings("spam.more_spam_to", List.of()),
        r.duration("spam.dns_timeout", Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMinutes(1)),
        r.integer("spam.body_part_scan_size", 50_000, 1_000, 100_000_000),
        r.integer("spam.rawbody_part_scan_size", 500_000, 1_000, 100_000_000));
  }
}
