package dev.postamt.filter.rules;

import dev.postamt.filter.Check;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rules of the scan: our shipped rule files, then the operator's ({@code [spam] rules}), read once
 * at start-up (and on reload) into compiled {@link Check}s. {@link #check()} runs the header, body,
 * rawbody, uri, full and mimeheader rules; {@link #metaCheck()} the meta rules, after every other check,
 * so that a meta may refer to {@code BAYES_99} or {@code SPF_FAIL} as well as to our rules.
 *
 * <p>Immutable after loading and safe to share between scans on many threads.
 */
public final class RuleSet {
  /** The shipped rule files, in load order. */
  static final List<String> SHIPPED = List.of("10-headers.cf", "20-body.cf", "30-uri.cf", "50-scores.cf");

  private final RuleEngine engine;
  private final Map<String, Double> scores;
  private final Map<String, String> descriptions;
  private final LoadReport report;

  private RuleSet(RuleCompiler c, Map<String, String> descriptions) {
    this.scores = Collections.unmodifiableMap(c.scores);
    this.descriptions = Collections.unmodifiableMap(descriptions);
    this.engine = new RuleEngine(List.copyOf(c.rules), List.copyOf(c.metas), this.scores, this.descriptions);
    this.report = c.report();
  }

  private RuleSet(RuleSet base, RuleEngine engine) {
    this.scores = base.scores;
    this.descriptions = base.descriptions;
    this.report = base.report;
    this.engine = engine;
  }

  /**
   * The same rules reading at most {@code bodyPartScanSize} characters of each text part for body rules
   * and {@code rawbodyPartScanSize} for rawbody rules ({@code [spam] body_part_scan_size}, {@code
   * rawbody_part_scan_size}; SpamAssassin's defaults, 50,000 and 500,000, unless set).
   */
  public RuleSet scanning(int bodyPartScanSize, int rawbodyPartScanSize) {
    return new RuleSet(this, engine.withScanSizes(bodyPartScanSize, rawbodyPartScanSize));
  }

  /** The same rules with no pre-filter: every regex runs on every message (the reference in tests). */
  RuleSet unfiltered() {
    return new RuleSet(this, engine.unfiltered());
  }

  /**
   * The shipped rules from the class path, then each of {@code extra}: a file, or a directory whose
   * {@code *.cf} files are read in name order. A rule defined again replaces the earlier one; a later
   * {@code score} wins. Lines that cannot be used become {@link #warnings()}; only a path that cannot be
   * read is an error.
   */
  public static RuleSet load(List<Path> extra) throws IOException {
    return load(extra, true);
  }

  /** As {@link #load(List)}; without our shipped rules when {@code shipped} is false (the stock-rules report). */
  static RuleSet load(List<Path> extra, boolean shipped) throws IOException {
    RuleParser parser = new RuleParser();
    for (String name : shipped ? SHIPPED : List.<String>of()) {
      try (InputStream in = RuleSet.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("shipped rule file " + name + " missing from the class path");
        }
        parser.read(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    for (Path p : extra) {
      for (Path f : files(p)) {
        parser.read(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return of(parser);
  }

  /**
   * Checks that every operator rule file or directory is there, without reading the rules: the start
   * refuses a missing one at once with one line naming it, before the rules are compiled in the background.
   */
  public static void checkFiles(List<Path> extra) throws IOException {
    for (Path p : extra) {
      files(p);
    }
  }

  /** Only the given rule texts, without the shipped rules (tests, and {@code check message} of one file). */
  static RuleSet ofTexts(Map<String, String> files) {
    RuleParser parser = new RuleParser();
    files.forEach(parser::read);
    return of(parser);
  }

  private static RuleSet of(RuleParser parser) {
    RuleCompiler c = new RuleCompiler(parser);
    c.compile();
    return new RuleSet(c, parser.descriptions);
  }

  private static List<Path> files(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        return s.filter(f -> f.getFileName().toString().endsWith(".cf") && Files.isRegularFile(f)).sorted().toList();
      }
    }
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString(), null, "spam rules: no such file or directory");
    }
    return List.of(p);
  }

  /** The header, body, rawbody, uri, full and mimeheader rules. */
  public Check check() {
    return engine::runRules;
  }

  /** The meta rules: run after every other check. */
  public Check metaCheck() {
    return engine::runMetas;
  }

  /** Every {@code score} line (also for symbols other checks add), and the default of each loaded rule. */
  public Map<String, Double> scores() {
    return scores;
  }

  /** The English {@code describe} text of each rule. */
  public Map<String, String> descriptions() {
    return descriptions;
  }

  /** Lines that could not be used, with file:line and the reason; rules skipped for a regex construct. */
  public List<String> warnings() {
    return report.warnings();
  }

  /** Rules seen, loaded and skipped by reason. */
  public LoadReport report() {
    return report;
  }

  /** Adds the nanoseconds each rule took on {@code in} to {@code nanos} (tuning rule sets). */
  void profile(dev.postamt.filter.ScanInput in, Map<String, Long> nanos) {
    engine.profile(in, nanos);
  }

  /** Names of the rules that run (for tests and the report). */
  List<String> running() {
    List<String> out = new ArrayList<>();
    engine.names(out);
    return out;
  }
}
