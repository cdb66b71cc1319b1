package dev.postamt.filter.lists;

import dev.postamt.config.Config;
import dev.postamt.config.Spam;
import dev.postamt.filter.Check;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import dev.postamt.mime.Address;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * White- and blacklists in SpamAssassin's manner: {@code whitelist_from}, {@code blacklist_from}, {@code
 * whitelist_to}, {@code all_spam_to}, {@code more_spam_to}, global (from {@code [spam]} and from the
 * store) and per user (the first local recipient, {@link ScanInput#user}); and the automatic whitelist
 * of addresses a user has written to.
 *
 * <p>A {@code whitelist_from} entry, and the automatic whitelist, only count when the From domain is
 * authenticated by our own DKIM or SPF result ({@link dev.postamt.filter.Authentication#authenticates}):
 * anyone can write a whitelisted address into From, so an unauthenticated match gains nothing (it shows
 * as a symbol of score 0, to explain the verdict). {@code blacklist_from} matches From or the envelope
 * sender without that condition: forging a sender onto a blacklist helps no spammer. Authenticated
 * submissions (outbound scans) get no list symbols.
 *
 * <p>Patterns are globs matched against the whole address, case-insensitively: {@code *} any run of
 * characters, {@code ?} one; {@code example.org} and {@code @example.org} mean {@code *@example.org}.
 * When the store cannot be read the scan goes on with the config's entries and logs why.
 */
public final class SpamLists implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpamLists.class);
  private static final Pattern VALID = Pattern.compile("[a-z0-9*?._+=@'/!#$%&^`{|}~-]{1,254}");
  /** At most this many recipients of one message are remembered. */
  static final int MAX_REMEMBERED = 100;

  private final Spam config;
  private final SpamListStore store;
  private final List<Entry> global;
  private final Clock clock;

  /** Opens the store {@code config} names ({@link SpamListStore#open}) and takes the global entries of {@code [spam]}. */
  public static SpamLists open(Config config) throws IOException {
    return new SpamLists(config.spam(), SpamListStore.open(config), Clock.systemUTC());
  }

  SpamLists(Spam config, SpamListStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    List<Entry> g = new ArrayList<>();
    addAll(g, Kind.WHITELIST_FROM, config.whitelistFrom());
    addAll(g, Kind.WHITELIST_TO, config.whitelistTo());
    addAll(g, Kind.BLACKLIST_FROM, config.blacklistFrom());
    addAll(g, Kind.ALL_SPAM_TO, config.allSpamTo());
    addAll(g, Kind.MORE_SPAM_TO, config.moreSpamTo());
    this.global = List.copyOf(g);
  }

  private static void addAll(List<Entry> out, Kind kind, List<String> patterns) {
    for (String p : patterns) {
      try {
        out.add(new Entry("", kind, normalisePattern(p)));
      } catch (IllegalArgumentException e) {
        log.warn("spam.{}: {}; left out", kind.keyword(), e.getMessage());
      }
    }
  }

  /** The entries of {@code [spam]}, for {@code postamt spam lists show}. */
  public List<Entry> configEntries() {
    return global;
  }

  /** The store behind the lists (the admin operations change it). */
  public SpamListStore store() {
    return store;
  }

  /** The check for the scanner. */
  public Check check() {
    return this::scan;
  }

  /**
   * Notes that {@code user} (an authenticated submitter) wrote to {@code addresses}; their mail to the
   * user is whitelisted from then on ({@code USER_IN_AUTO_WHITELIST}, when authenticated). Does nothing
   * when {@code spam.auto_whitelist} is off.
   */
  public void rememberRecipients(String user, List<String> addresses) throws IOException {
    if (!config.autoWhitelist() || user == null || user.isBlank()) {
      return;
    }
    Set<String> clean = new LinkedHashSet<>();
    for (String a : addresses) {
      String s = a.strip().toLowerCase(Locale.ROOT);
      if (s.indexOf('@') > 0 && s.length() <= 254 && clean.size() < MAX_REMEMBERED) {
        clean.add(s);
      }
    }
    store.remember(user.strip().toLowerCase(Locale.ROOT), List.copyOf(clean), clock.instant());
  }

  private void scan(ScanInput in, Findings out) {
    if (in.outbound()) {
      return;
    }
    String from = firstAddress(in.message().header("From"));
    String fromDomain = from.substring(from.lastIndexOf('@') + 1);
    String envelope = in.mailFrom() == null ? "" : in.mailFrom().strip().toLowerCase(Locale.ROOT);
    boolean authenticated = !fromDomain.isEmpty() && in.auth() != null && in.auth().authenticates(fromDomain);
    String user = in.user() == null ? null : in.user().toLowerCase(Locale.ROOT);
    List<Entry> entries = new ArrayList<>(global);
    boolean remembered = false;
    try {
      entries.addAll(store.entries(user));
      remembered = config.autoWhitelist() && user != null && !from.isEmpty() && authenticated && store.remembered(user, from);
    } catch (IOException e) {
      log.warn("spam lists: {}; scanning with the config's entries only", e.getMessage());
    }
    List<String> recipients = null; // read at the first entry on recipients: most mail meets none
    for (Entry e : entries) {
      if (recipients == null && (e.kind() == Kind.WHITELIST_TO || e.kind() == Kind.ALL_SPAM_TO
          || e.kind() == Kind.MORE_SPAM_TO)) {
        recipients = recipients(in);
      }
      String whose = e.user().isEmpty() ? "" : " of " + e.user();
      switch (e.kind()) {
        case WHITELIST_FROM -> {
          if (!from.isEmpty() && matches(e.pattern(), from)) {
            if (authenticated) {
              out.add("USER_IN_WHITELIST", -100, "From " + from + " is in whitelist_from" + whose + " (" + e.pattern()
                  + ") and " + fromDomain + " is authenticated");
            } else {
              out.add("WHITELIST_FROM_UNAUTHENTICATED", 0, "From " + from + " matches whitelist_from" + whose + " ("
                  + e.pattern() + ") but " + fromDomain + " is not authenticated by DKIM or SPF, so it does not count");
            }
          }
        }
        case BLACKLIST_FROM -> {
          String hit = !from.isEmpty() && matches(e.pattern(), from) ? from
              : !envelope.isEmpty() && matches(e.pattern(), envelope) ? envelope : null;
          if (hit != null) {
            out.add("USER_IN_BLACKLIST", 100, "sender " + hit + " is in blacklist_from" + whose + " (" + e.pattern() + ")");
          }
        }
        case WHITELIST_TO -> toSymbol(e, recipients, "USER_IN_WHITELIST_TO", -6, whose, out);
        case ALL_SPAM_TO -> toSymbol(e, recipients, "USER_IN_ALL_SPAM_TO", -100, whose, out);
        case MORE_SPAM_TO -> toSymbol(e, recipients, "USER_IN_MORE_SPAM_TO", -1, whose, out);
      }
    }
    if (remembered) {
      out.add("USER_IN_AUTO_WHITELIST", -3, user + " has written to " + from + " and " + fromDomain + " is authenticated");
    }
  }

  private static void toSymbol(Entry e, List<String> recipients, String symbol, double score, String whose, Findings out) {
    for (String r : recipients) {
      if (matches(e.pattern(), r)) {
        out.add(symbol, score, "recipient " + r + " is in " + e.kind().keyword() + whose + " (" + e.pattern() + ")");
        return;
      }
    }
  }

  /** The envelope recipients, then the To and Cc addresses, lower case, each once. */
  private static List<String> recipients(ScanInput in) {
    Set<String> out = new LinkedHashSet<>();
    for (String r : in.recipients()) {
      out.add(r.strip().toLowerCase(Locale.ROOT));
    }
    for (String field : List.of("To", "Cc")) {
      for (String v : in.message().header(field)) {
        for (Address a : Address.parseList(v)) {
          if (a.host() != null && a.mailbox() != null) {
            out.add((a.mailbox() + "@" + a.host()).toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private static String firstAddress(List<String> values) {
    for (String v : values) {
      for (Address a : Address.parseList(v)) {
        if (a.host() != null && a.mailbox() != null) {
          return (a.mailbox() + "@" + a.host()).toLowerCase(Locale.ROOT);
        }
      }
    }
    return "";
  }

  /**
   * A pattern as stored: lower case, {@code example.org} and {@code @example.org} as {@code
   * *@example.org}; an IllegalArgumentException says why a pattern cannot be one.
   */
  public static String normalisePattern(String pattern) {
    String p = pattern == null ? "" : pattern.strip().toLowerCase(Locale.ROOT);
    if (p.startsWith("@")) {
      p = "*" + p;
    } else if (p.indexOf('@') < 0 && !p.isEmpty() && !p.equals("*")) {
      p = "*@" + p;
    }
    if (!VALID.matcher(p).matches() || p.indexOf('@') != p.lastIndexOf('@')) {
      throw new IllegalArgumentException("\"" + pattern + "\" is not an address pattern like *@example.org or"
          + " user@*.example.org");
    }
    return p;
  }

  /** Glob match of a whole address, {@code *} any run, {@code ?} one character (both lower case). */
  static boolean matches(String pattern, String address) {
    int p = 0;
    int a = 0;
    int star = -1;
    int mark = 0;
    while (a < address.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == address.charAt(a))) {
        p++;
        a++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = a;
      } else if (star >= 0) {
        p = star + 1;
        a = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public void close() {
    store.close();
  }
}
