package dev.postamt.collect;

import dev.postamt.cli.Main;
import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.Quota;
import dev.postamt.store.SqliteMailStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Postamt data directory with user {@code alice@example.test}, and ways to collect into it and look. */
final class CollectFixture {
  static final String USER = "alice@example.test";
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: ([^\r\n]*)");

  final Path dir;
  final Path configFile;
  final Config config;

  CollectFixture(Path dir, String extraToml) throws Exception {
    this.dir = dir;
    Path data = dir.resolve("data");
    try (Directory d = Directory.open(data)) {
      d.addDomain("example.test");
      d.addUser(USER, "secret".toCharArray());
    }
    Files.writeString(dir.resolve("zone.txt"), "");
    configFile = dir.resolve("postamt.toml");
    Files.writeString(configFile, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[dns]\nzone_file = \"zone.txt\"\n"
        + "[listen]\n" + extraToml);
    config = Config.load(configFile, true);
  }

  /** {@code collect run ADDRESS} in this JVM, delivering as the CLI does. */
  List<Collector.Result> run() throws Exception {
    try (MdaDrop drop = MdaDrop.standalone(config, Quota.Policy.NONE);
        CollectService s = CollectService.open(config, drop)) {
      return s.run(Optional.of(USER));
    }
  }

  CollectService service() throws Exception {
    return CollectService.open(config, null);
  }

  /** {@code postamt ARGS --config …} in this JVM: status and output (stdout then stderr). */
  record Cli(int status, String out, String err) {}

  Cli cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(configFile.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all.toArray(String[]::new));
    }
    return new Cli(status, out.toString(), err.toString());
  }

  /** Mailbox name → the subjects in it (every occurrence, sorted), and the full texts by subject. */
  Map<String, List<String>> subjects(Map<String, String> texts) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (MailStore store = new SqliteMailStore(config.dataDir()); Account acc = store.open(USER)) {
      for (MailboxInfo m : acc.mailboxes()) {
        for (MessageRecord r : acc.snapshot(m.id()).messages()) {
          String text;
          try (MessageContent c = acc.open(m, r).orElseThrow()) {
            text = new String(c.readAllBytes(), StandardCharsets.UTF_8);
          }
          Matcher s = SUBJECT.matcher(text);
          String subject = s.find() ? s.group(1) : "(none)";
          out.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(subject);
          if (texts != null) {
            texts.put(subject, text);
          }
        }
      }
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  static String message(String subject) {
    return "Return-Path: <sender@remote.test>\r\nFrom: sender@remote.test\r\nTo: old@remote.test\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@remote.test>\r\n\r\nbody of " + subject + "\r\n";
  }
}
