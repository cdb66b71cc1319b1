package dev.postamt.sieve.testsuite;

import dev.postamt.sieve.Diagnostic;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveLimits;
import dev.postamt.sieve.SieveScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything a Pigeonhole test script can set and inspect while it runs: the current message and
 * envelope, the errors of the last compile, the mailboxes and outgoing mail of executed results, the
 * configuration, and each test block's outcome.
 */
final class TestsuiteState implements SieveEnvironment {
  static final String DEFAULT_MESSAGE =
      "From: stephan@rename-it.nl\r\nTo: sirius@drunksnipers.com\r\nSubject: Frop!\r\n\r\nFriep!\r\n";

  /** A message handed to SMTP by an executed result. */
  record Sent(String envelopeFrom, String envelopeTo, byte[] message) {}

  /** A message stored in a mailbox with its IMAP flags. */
  record Stored(byte[] message, List<String> flags) {}

  /** The outcome of one test block: null failure means passed. */
  record Outcome(String name, String failure) {}

  final Path dir;
  final SieveCompiler compiler;
  byte[] message = DEFAULT_MESSAGE.getBytes(StandardCharsets.UTF_8);
  MimeSieveMessage parsed = MimeSieveMessage.parse(message);
  SieveEnvelope envelope = new SieveEnvelope("sender@example.com", "recipient@example.net", null, null);
  SieveScript compiled;
  List<String> errors = new ArrayList<>();
  final Map<String, List<Stored>> mailboxes = new LinkedHashMap<>();
  final List<Sent> outbox = new ArrayList<>();
  /** Actions of the current result already carried out by test_result_execute. */
  final List<dev.postamt.sieve.SieveAction> executed = new ArrayList<>();
  final Map<String, String> config = new HashMap<>();
  final Map<String, SieveScript> binaries = new HashMap<>();
  final Map<String, Long> duplicates = new HashMap<>();
  final List<Outcome> outcomes = new ArrayList<>();
  String currentTest;

  TestsuiteState(Path dir, SieveCompiler compiler) {
    this.dir = dir;
    this.compiler = compiler;
    mailboxes.put("INBOX", new ArrayList<>());
  }

  /**
   * Like Pigeonhole's testsuite-message.c: a new message brings a new envelope, the sender from
   * Return-Path, Sender or From, the recipient (and original recipient) from Envelope-To or To.
   */
  void setMessage(byte[] m) {
    message = m;
    parsed = MimeSieveMessage.parse(m);
    String from = firstAddress("return-path", "sender", "from");
    String to = firstAddress("envelope-to", "to");
    from = from == null ? "sender@example.com" : from;
    to = to == null ? "recipient@example.com" : to;
    envelope = new SieveEnvelope(from, to, to, envelope.auth());
  }

  @Override
  public Optional<String> setting(String name) {
    return Optional.ofNullable(config.get(name));
  }

  private String firstAddress(String... headers) {
    for (String h : headers) {
      List<String> v = dev.postamt.sieve.AddressParts.fromHeaders(parsed.headerValues(h), "all");
      if (!v.isEmpty()) {
        return v.get(0);
      }
    }
    return null;
  }

  @Override
  public List<String> userAddresses() {
    String u = config.get("sieve_user_email");
    return u == null ? List.of() : List.of(u);
  }

  SieveLimits limits() {
    // Pigeonhole's test suite logs every compile error (its tests count up to 31); delivery keeps 20.
    SieveLimits l = SieveLimits.DEFAULTS;
    l = new SieveLimits(l.maxScriptBytes(), l.maxNestingDepth(), l.maxStringLength(), 100, l.maxSteps(),
        l.maxRunTime(), l.maxRedirects(), l.maxActions(), l.maxIncludeDepth(), l.maxVariables(), l.maxVariableSize());
    if (config.containsKey("sieve_max_redirects")) {
      l = l.withMaxRedirects(Integer.parseInt(config.get("sieve_max_redirects")));
    }
    String size = config.getOrDefault("sieve_variables_max_variable_size", config.get("sieve_variables_max_value_size"));
    if (size != null) {
      int v = Integer.parseInt(size);
      l = new SieveLimits(l.maxScriptBytes(), l.maxNestingDepth(), l.maxStringLength(), l.maxErrors(), l.maxSteps(),
          l.maxRunTime(), l.maxRedirects(), l.maxActions(), l.maxIncludeDepth(), l.maxVariables(), v);
    }
    if (config.containsKey("sieve_include_max_nesting_depth")) {
      int d = Integer.parseInt(config.get("sieve_include_max_nesting_depth"));
      l = new SieveLimits(l.maxScriptBytes(), l.maxNestingDepth(), l.maxStringLength(), l.maxErrors(), l.maxSteps(),
          l.maxRunTime(), l.maxRedirects(), l.maxActions(), d, l.maxVariables(), l.maxVariableSize());
    }
    if (config.containsKey("sieve_max_actions")) {
      l = l.withMaxActions(Integer.parseInt(config.get("sieve_max_actions")));
    }
    return l;
  }

  SieveCompiler subCompiler() {
    return compiler.withLimits(limits()).withLoader(loader()).withSettings(this);
  }

  ScriptLoader loader() {
    return (name, location) -> {
      Path p = dir.resolve(location == ScriptLoader.Location.GLOBAL ? "included-global" : "included")
          .resolve(name + ".sieve");
      try {
        return Optional.of(java.nio.file.Files.readString(p));
      } catch (java.io.IOException e) {
        return Optional.empty();
      }
    };
  }

  static List<String> messages(List<Diagnostic> ds) {
    List<String> out = new ArrayList<>();
    for (Diagnostic d : ds) {
      out.add(d.message());
    }
    return out;
  }

  // SieveEnvironment

  @Override
  public boolean mailboxExists(String mailbox) {
    return mailboxes.containsKey(canonical(mailbox));
  }

  /** IMAP (RFC 3501 §5.1): INBOX is case-insensitive, also as the parent in Dovecot's "INBOX." names. */
  static String canonical(String mailbox) {
    if (mailbox.regionMatches(true, 0, "INBOX", 0, 5)
        && (mailbox.length() == 5 || mailbox.charAt(5) == '.' || mailbox.charAt(5) == '/')) {
      return "INBOX" + mailbox.substring(5);
    }
    return mailbox;
  }

  @Override
  public Optional<String> specialUseMailbox(String use) {
    return Optional.empty();
  }

  @Override
  public boolean duplicateSeen(String id, Duration period) {
    return duplicates.putIfAbsent(id, 0L) != null;
  }

  @Override
  public String user() {
    return "user";
  }

  @Override
  public Optional<String> item(String name) {
    return switch (name) {
      case "domain" -> Optional.of("example.com");
      case "host" -> Optional.of("host.example.com");
      case "name" -> Optional.of("Pigeonhole Sieve");
      case "version" -> Optional.of("0.5");
      case "location" -> Optional.of("MS");
      default -> SieveEnvironment.super.item(name);
    };
  }

  /**
   * Pigeonhole's way of getting a verdict: a configured header (and regex) of the current message, read
   * as a score against a maximum, as a string length, or as configured text values.
   */
  @Override
  public OptionalDouble spamScore() {
    OptionalDouble v = verdict("sieve_spamtest_", 10);
    return v.isEmpty() ? v : OptionalDouble.of(v.getAsDouble());
  }

  @Override
  public int virusVerdict() {
    OptionalDouble v = verdict("sieve_virustest_", 5);
    return v.isEmpty() ? 0 : 1 + (int) (v.getAsDouble() * 4 + 1e-9);
  }

  private OptionalDouble verdict(String prefix, int levels) {
    String status = statusValue(config.get(prefix + "status_header"));
    if (status == null) {
      return OptionalDouble.empty();
    }
    String type = config.getOrDefault(prefix + "status_type", "score");
    try {
      switch (type) {
        case "text" -> {
          for (int i = 0; i <= levels; i++) {
            String t = config.get(prefix + "text_value/" + i);
            if (t != null && t.equalsIgnoreCase(status.strip())) {
              return OptionalDouble.of(i <= 1 ? 0 : (i - 1) / (double) (levels - 1));
            }
          }
          return OptionalDouble.empty();
        }
        case "strlen", "score" -> {
          double value = type.equals("strlen") ? status.length() : Double.parseDouble(status.strip());
          String maxText = config.containsKey(prefix + "score_max_header")
              ? statusValue(config.get(prefix + "score_max_header")) : config.get(prefix + "score_max_value");
          double max = maxText == null ? 0 : Double.parseDouble(maxText.strip());
          if (max <= 0) {
            return OptionalDouble.empty();
          }
          return OptionalDouble.of(Math.max(0, Math.min(1, value / max)));
        }
        default -> {
          return OptionalDouble.empty();
        }
      }
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /** "Header" or "Header:regex": the header's value, or the regex's first group in it. */
  private String statusValue(String spec) {
    if (spec == null) {
      return null;
    }
    int colon = spec.indexOf(':');
    String name = colon < 0 ? spec : spec.substring(0, colon);
    List<String> values = parsed.headerValues(name.strip());
    if (values.isEmpty()) {
      return null;
    }
    if (colon < 0) {
      return values.get(0);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(spec.substring(colon + 1).stripLeading()).matcher(values.get(0));
    if (!m.find()) {
      return null;
    }
    return m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
  }
}
