package dev.postamt.sieve.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.postamt.sieve.Interpreter;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveResult;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.ext.Extensions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against Debian's Pigeonhole {@code sieve-test} (package dovecot-sieve): every script
 * in src/test/resources/sieve/differential runs on its message (NAME.eml, else default.eml) in both, with
 * the same envelope, and the actions both would perform must be the same once normalised ("store FOLDER
 * flags=...", "redirect ADDRESS", "discard", "reject", "vacation", "notify mailto"; compared as sorted
 * lists, since the two print the implicit keep in different places). Whether a vacation reply is due is
 * decided later by both, so only the action is compared. Skipped when /usr/bin/sieve-test is missing.
 */
class SieveDifferentialTest {
  static final Path SIEVE_TEST = Path.of("/usr/bin/sieve-test");
  static final String SENDER = "alice@example.com";
  static final String RECIPIENT = "user@example.net";

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> sameActionsAsPigeonhole() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SIEVE_TEST),
        "sieve-test (Debian package dovecot-sieve) is not installed: differential test against Pigeonhole skipped");
    Path dir = Path.of(SieveDifferentialTest.class.getResource("/sieve/differential").toURI());
    List<Path> scripts;
    try (Stream<Path> s = Files.list(dir)) {
      scripts = s.filter(p -> p.toString().endsWith(".sieve")).sorted().toList();
    }
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path config = tmp.resolve("dovecot.conf");
    // sieve-test drops privileges to mail_uid; as root that is "nobody", otherwise the user running the build.
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    String ids = uid == 0 ? "65534" : Integer.toString(uid);
    String gids = uid == 0 ? "65534" : Integer.toString(gid);
    Files.writeString(config, "mail_uid = " + ids + "\nmail_gid = " + gids + "\nmail_location = maildir:" + tmp.resolve("mail")
        + "\n");
    return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
      String name = script.getFileName().toString().replace(".sieve", "");
      Path mail = dir.resolve(name + ".eml");
      if (!Files.exists(mail)) {
        mail = dir.resolve("default.eml");
      }
      Path s = copy(script);
      Path m = copy(mail);
      List<String> theirs = pigeonhole(config, s, m);
      List<String> ours = ours(Files.readString(script), Files.readAllBytes(mail));
      // Every script ends in at least one action (the implicit keep, if nothing else): an empty list means
      // sieve-test's output was not understood, which must not pass as agreement.
      assertFalse(theirs.isEmpty(), name + ": no actions read from sieve-test's output");
      assertEquals(theirs, ours, name + ": actions differ from Pigeonhole's sieve-test");
    }));
  }

  private Path copy(Path p) throws IOException {
    Path to = tmp.resolve(p.getFileName().toString());
    Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    return to;
  }

  static List<String> ours(String script, byte[] message) throws Exception {
    SieveScript compiled = Extensions.standardCompiler().compile("differential", script);
    SieveResult r = Interpreter.run(compiled, MimeSieveMessage.parse(message),
        new SieveEnvelope(SENDER, RECIPIENT, RECIPIENT, null), SieveEnvironment.DEFAULT);
    List<String> out = new ArrayList<>();
    for (SieveAction a : r.actions()) {
      switch (a) {
        case SieveAction.Keep k -> out.add("store INBOX" + flags(k.flags()));
        case SieveAction.FileInto f -> out.add("store " + f.mailbox() + flags(f.flags()));
        case SieveAction.Redirect d -> out.add("redirect " + d.address());
        case SieveAction.Discard d -> out.add("discard");
        case SieveAction.Reject j -> out.add("reject");
        case SieveAction.Ereject j -> out.add("reject");
        case SieveAction.Vacation v -> out.add("vacation");
        case SieveAction.Notify n -> out.add("notify " + n.method().substring(0, n.method().indexOf(':')).toLowerCase(Locale.ROOT));
        default -> {}
      }
    }
    return out.stream().sorted().toList();
  }

  private static String flags(List<String> flags) {
    return flags.isEmpty() ? "" : " flags=" + String.join(" ", flags.stream().map(f -> f.toLowerCase(Locale.ROOT)).sorted().toList());
  }

  /** The actions sieve-test prints ("Performed actions:" and "Implicit keep:"), normalised. */
  static List<String> pigeonhole(Path config, Path script, Path mail) throws Exception {
    Process p = new ProcessBuilder(SIEVE_TEST.toString(), "-c", config.toString(), "-f", SENDER, "-r", RECIPIENT,
        script.toString(), mail.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("sieve-test failed on " + script.getFileName() + ":\n" + output);
    }
    List<String> out = new ArrayList<>();
    for (String line : output.lines().toList()) {
      String t = line.strip();
      if (t.startsWith("* ")) {
        String a = t.substring(2);
        out.add(a.startsWith("store message in folder: ") ? "store " + a.substring(25)
            : a.startsWith("redirect message to: ") ? "redirect " + a.substring(21).replaceAll("^<|>$", "")
            : a.startsWith("reject message") ? "reject"
            : a.startsWith("send vacation message") ? "vacation"
            : a.startsWith("send notification with method 'mailto:'") ? "notify mailto"
            : a);
      } else if (t.startsWith("+ add IMAP flags: ") && !out.isEmpty()) {
        List<String> f = List.of(t.substring(18).strip().split("\\s+"));
        out.set(out.size() - 1, out.getLast() + flags(f));
      }
    }
    return out.stream().sorted().toList();
  }
}
