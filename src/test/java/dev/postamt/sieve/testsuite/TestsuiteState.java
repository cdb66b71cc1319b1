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

  /** The outcome of one test block: null failure means passed. */
  record Outcome(String name, String failure) {}

  final Path dir;
  final SieveCompiler compiler;
  byte[] message = DEFAULT_MESSAGE.getBytes(StandardCharsets.UTF_8);
  MimeSieveMessage parsed = MimeSieveMessage.parse(message);
  SieveEnvelope envelope = new SieveEnvelope("sender@example.com", "recipient@example.net", null, null);
  SieveScript compiled;
  List<String> errors = new ArrayList<>();
  final Map<String, List<byte[]>> mailboxes = new LinkedHashMap<>();
  final List<Sent> outbox = new ArrayList<>();
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

  boolean fromSet;
  boolean toSet;

  void setMessage(byte[] m) {
    message = m;
    parsed = MimeSieveMessage.parse(m);
    // Like Pigeonhole's sieve-tool: an envelope part not set explicitly comes from the message header.
    SieveEnvelope e = envelope;
    String from = fromSet ? e.from() : firstAddress("return-path", "sender", "from");
    String to = toSet ? e.to() : firstAddress("envelope-to", "to");
    envelope = new SieveEnvelope(from == null ? e.from() : from, to == null ? e.to() : to, e.origTo(), e.auth());
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
    SieveLimits l = SieveLimits.DEFAULTS;
    if (config.containsKey("sieve_max_redirects")) {
      l = l.withMaxRedirects(Integer.parseInt(config.get("sieve_max_redirects")));
    }
    if (config.containsKey("sieve_variables_max_variable_size")) {
      int v = Integer.parseInt(config.get("sieve_variables_max_variable_size"));
      l = new SieveLimits(l.maxScriptBytes(), l.maxNestingDepth(), l.maxStringLength(), l.maxErrors(), l.maxSteps(),
          l.maxRunTime(), l.maxRedirects(), l.maxActions(), l.maxIncludeDepth(), l.maxVariables(), v);
    }
    if (config.containsKey("sieve_max_actions")) {
      l = l.withMaxActions(Integer.parseInt(config.get("sieve_max_actions")));
    }
    return l;
  }

  SieveCompiler subCompiler() {
    return compiler.withLimits(limits()).withLoader(loader());
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
    return mailbox.equalsIgnoreCase("INBOX") || mailboxes.containsKey(mailbox);
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

  @Override
  public OptionalDouble spamScore() {
    return OptionalDouble.empty();
  }
}
