package dev.postamt.filter.rules;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/rule-cpu's driver: each rule's time per message ({@link RuleSet#profile}, the regex run with its
 * pre-filter and start guard as a scan runs it; each text made once before, not counted) over a list of
 * messages, ROUNDS times, the last round printed: the rules' total and the slowest ones. Compiled against a
 * Postamt jar into the package it reads.
 *
 * <p>Arguments: list file (one message file per line), rounds, how many rules to show, [rule files or
 * directories to load beside the shipped ones…].
 */
public final class RuleCpu {
  private RuleCpu() {}

  public static void main(String[] args) throws Exception {
    List<byte[]> messages = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        messages.add(Files.readAllBytes(Path.of(line.strip())));
      }
    }
    int rounds = Integer.parseInt(args[1]);
    int top = Integer.parseInt(args[2]);
    List<Path> extra = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      extra.add(Path.of(args[i]));
    }
    RuleSet rules = RuleSet.load(extra).scanning(ScanText.BODY_PART_SCAN_SIZE, ScanText.RAWBODY_PART_SCAN_SIZE);
    Map<String, Long> nanos = new HashMap<>();
    for (int round = 1; round <= rounds; round++) {
      nanos.clear();
      for (byte[] raw : messages) {
        ScanInput in = new ScanInput(ScannedMessage.of(raw), "192.0.2.1", "mx.example.org", null, "a@example.org",
            List.of("alice@example.test"), List.of("alice@example.test"), Authentication.NONE, Instant.now());
        rules.profile(in, nanos);
      }
      long total = nanos.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf("round %d: rules_us_per_msg=%.1f (%d rules, %d messages)%n", round,
          total / 1e3 / messages.size(), nanos.size(), messages.size());
    }
    nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> System.out.printf("  %9.2f us  %s%n", e.getValue() / 1e3 / messages.size(), e.getKey()));
  }
}
