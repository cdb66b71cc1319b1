package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code [im2000]}: the IM2000 experiment between Postamt servers (see {@code docs/im2000.md}): mail of
 * local users to a domain that advertises IM2000 stays in our outbox and only a signed notification is
 * sent; notifications from other servers become message stubs pulled when first read. Read at start-up.
 *
 * @param enabled off by default; when off nothing of IM2000 runs and all mail goes by SMTP
 * @param pull {@code on-read} (a stub is fetched when its body is first read) or {@code eager} (at once)
 * @param retention how long an outbox entry waits to be fetched before it is deleted
 * @param url the base of our IM2000 endpoints as others reach them (capability URLs start with it);
 *     empty: {@code https://<hostname>/im2000/}
 * @param peers domains whose feeds we poll for notifications we missed while down (besides every
 *     domain that has notified us before)
 * @param poll how often the feeds of peers are polled (and also once at start)
 */
public record Im2000(
    boolean enabled, String pull, Duration retention, Optional<String> url, List<String> peers, Duration poll) {
  static Im2000 parse(ConfigReader r) {
    r.allowKeys("im2000", "enabled", "pull", "retention", "url", "peers", "poll");
    boolean enabled = r.bool("im2000.enabled", false);
    String pull = r.string("im2000.pull", "on-read");
    if (!pull.equals("on-read") && !pull.equals("eager")) {
      r.error("im2000.pull", "must be \"on-read\" or \"eager\", got \"" + pull + "\"");
    }
    Duration retention = r.duration("im2000.retention", Duration.ofDays(30), Duration.ofMinutes(1), Duration.ofDays(3650));
    String url = r.string("im2000.url", "");
    if (!url.isEmpty() && !url.matches("https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")) {
      r.error("im2000.url", "must be an https:// URL such as \"https://mx.example.org/im2000/\", got \"" + url + "\"");
    }
    List<String> peers = new ArrayList<>();
    for (String p : r.strings("im2000.peers", List.of())) {
      String d = p.trim().toLowerCase(Locale.ROOT);
      if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        r.error("im2000.peers", "\"" + p + "\" is not a domain name");
      } else {
        peers.add(d);
      }
    }
    Duration poll = r.duration("im2000.poll", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(7));
    return new Im2000(enabled, pull, retention, url.isEmpty() ? Optional.empty() : Optional.of(url), List.copyOf(peers), poll);
  }

  /** Whether stubs are pulled as soon as they arrive. */
  public boolean eager() {
    return pull.equals("eager");
  }
}
