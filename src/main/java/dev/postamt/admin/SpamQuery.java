package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.pipeline.Filters;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.SpamHeaders;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.Symbol;
import dev.postamt.filter.Verdict;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spam part of {@code postamt check message FILE} (issue 17 item 10): the scan the server would run
 * at the end of DATA, as a dry run (nothing is learned), with the Authentication-Results computed just
 * before. Lines: {@code spam: score=… required=… action=…}, then a row per symbol ({@code NAME score
 * reason}), then the {@code X-Spam-Status:} field the server would add, as it would be folded.
 */
final class SpamQuery {
  private SpamQuery() {}

  /**
   * @param authResults the Authentication-Results field the inbound checks computed (name, value and
   *     folds; our host name as authserv-id), or null
   */
  static List<String> lines(Config config, Resolver dns, String ip, String mailFrom, String helo, Path file,
      String authResults) throws IOException {
    if (!config.spam().enabled()) {
      return List.of("spam: not scanned (spam.enabled = false)");
    }
    try (SpamScanner scanner = Filters.open(config, dns)) {
      return lines(config, scanner, ip, mailFrom, helo, file, authResults);
    }
  }

  /** The same with a scanner given (tests give one with checks of their own). */
  static List<String> lines(Config config, SpamScanner scanner, String ip, String mailFrom, String helo, Path file,
      String authResults) throws IOException {
    List<String> out = new ArrayList<>();
    ScannedMessage message;
    try (InputStream in = MessageFiles.openMessage(file)) {
      message = ScannedMessage.read(in, config.spam().maxSize());
    }
    Authentication auth = Authentication.NONE;
    if (authResults != null) {
      String value = authResults.replaceAll("\r?\n[ \t]", " ").strip();
      int colon = value.indexOf(':');
      auth = Authentication.fromHeader(value.substring(colon + 1).strip(), config.hostname());
    }
    ScanInput input = new ScanInput(message, ip, helo, null, mailFrom, List.of(), List.of(), auth, Instant.now());
    Verdict v = scanner.dryRun(input);
    out.add("spam: score=" + Verdict.oneDecimal(v.score()) + " required=" + Verdict.oneDecimal(v.required())
        + " action=" + v.action().word() + " (" + v.symbols().size() + " symbol(s), scanned in "
        + String.format(Locale.ROOT, "%.2f", v.scanTime().toNanos() / 1e6) + " ms" + (v.truncated() ? ", only the first " + config.spam().maxSize() + " bytes" : "") + ")");
    int width = 10;
    for (Symbol s : v.symbols()) {
      width = Math.max(width, s.name().length());
    }
    for (Symbol s : v.symbols()) {
      out.add(String.format(Locale.ROOT, "  %-" + width + "s %7s  %s", s.name(), Verdict.number(s.score()), s.reason()));
    }
    out.add("spam action: " + v.action().word() + switch (v.action()) {
      case NO_ACTION -> " (delivered with X-Spam-Status: " + (v.spam() ? "Yes" : "No") + ")";
      case ADD_HEADER -> " (tagged X-Spam-Flag: YES; the default Sieve script files it into Junk)";
      case QUARANTINE -> " (held in the quarantine, 250 to the client)";
      case REJECT -> " (550 5.7.1 at the end of DATA)";
    } + "; authenticated submissions: reject from " + Verdict.oneDecimal(config.spam().outboundReject()));
    out.addAll(SpamHeaders.status(v).lines().toList());
    return out;
  }
}
