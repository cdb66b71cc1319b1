import dev.postamt.antivirus.AttachmentCheck;
import dev.postamt.config.Config;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.Check;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.forgery.HeaderForgery;
import dev.postamt.filter.pipeline.Filters;
import dev.postamt.filter.pipeline.Stores;
import dev.postamt.filter.rules.RuleSet;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU per spam scan, in process (bench/spam-cpu): the whole scanner as the server runs it (scan(),
 * learners included) and each check alone.
 *
 * java -Dmode=whole|checks -Dtrace=true -cp JAR bench/lib/SpamCpu.java CONFIG ROUNDS LISTFILE.txt|MESSAGE...
 *
 * Each round scans every message once on this thread and prints its thread CPU per message (µs);
 * "checks" mode runs the checks the way Filters.open orders them, each timed alone ("parse": reading
 * and parsing the message). A list file (.txt) names one message file per line. With -Dtrace=true a
 * Received field like the server's own is put on top of each message, as the server scans it.
 */
public class SpamCpu {
  static final ThreadMXBean T = ManagementFactory.getThreadMXBean();

  public static void main(String[] a) throws Exception {
    Config config = Config.load(Path.of(a[0]), true);
    int rounds = Integer.parseInt(a[1]);
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 2; i < a.length; i++) {
      Path p = Path.of(a[i]);
      if (a[i].endsWith(".txt")) {
        for (String l : Files.readAllLines(p)) {
          if (!l.isBlank()) {
            msgs.add(withTrace(Files.readAllBytes(Path.of(l.strip()))));
          }
        }
      } else {
        msgs.add(withTrace(Files.readAllBytes(p)));
      }
    }
    String mode = System.getProperty("mode", "whole");
    long bytes = 0;
    for (byte[] m : msgs) {
      bytes += m.length;
    }
    System.err.printf("%d messages, mean %d bytes%n", msgs.size(), bytes / msgs.size());
    if (mode.equals("whole")) {
      try (SpamScanner s = Filters.open(config, null)) {
        StringBuilder sink = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
          long cpu0 = T.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          double sum = 0;
          for (byte[] m : msgs) {
            ScannedMessage sm = ScannedMessage.read(new ByteArrayInputStream(m), config.spam().maxSize());
            var v = s.scan(input(sm));
            sum += v.score();
          }
          long cpu = T.getCurrentThreadCpuTime() - cpu0;
          System.out.printf("round %d: %.1f us CPU/msg, %.1f us wall/msg (score sum %.1f)%n", r,
              cpu / 1e3 / msgs.size(), (System.nanoTime() - t0) / 1e3 / msgs.size(), sum);
        }
      }
      return;
    }
    // each check alone
    try (Stores stores = Stores.open(config)) {
      RuleSet rules = RuleSet.load(config.spam().rules())
          .scanning(config.spam().bodyPartScanSize(), config.spam().rawbodyPartScanSize());
      Map<String, Check> checks = new LinkedHashMap<>();
      checks.put("rules", rules.check());
      checks.put("forgery", new HeaderForgery(config.hostname()));
      checks.put("lists", stores.lists().check());
      checks.put("attach", new AttachmentCheck());
      checks.put("checksums", stores.training().checksums().check());
      checks.put("bayes", stores.training().bayes().check());
      checks.put("metas", rules.metaCheck());
      Map<String, Long> cpu = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        cpu.clear();
        long all0 = T.getCurrentThreadCpuTime();
        for (byte[] m : msgs) {
          long c0 = T.getCurrentThreadCpuTime();
          ScannedMessage sm = ScannedMessage.read(new ByteArrayInputStream(m), config.spam().maxSize());
          ScanInput in = input(sm);
          long c1 = T.getCurrentThreadCpuTime();
          cpu.merge("parse", c1 - c0, Long::sum);
          Findings f = new Findings();
          for (var e : checks.entrySet()) {
            long t0 = T.getCurrentThreadCpuTime();
            e.getValue().check(in, f);
            cpu.merge(e.getKey(), T.getCurrentThreadCpuTime() - t0, Long::sum);
          }
        }
        long all = T.getCurrentThreadCpuTime() - all0;
        StringBuilder b = new StringBuilder();
        b.append(String.format("round %d: all %.1f us/msg:", r, all / 1e3 / msgs.size()));
        cpu.forEach((k, v) -> b.append(String.format(" %s=%.1f", k, v / 1e3 / msgs.size())));
        System.out.println(b);
      }
    }
  }

  static ScanInput input(ScannedMessage sm) {
    return new ScanInput(sm, "127.0.0.1", "client.bench.test", null, "bench@client.bench.test",
        List.of("alice@example.test"), List.of("alice"), Authentication.NONE, Instant.now());
  }

  /** As the server scans it: a Received field on top. */
  static byte[] withTrace(byte[] m) {
    byte[] top = ("Received: from client.bench.test (localhost [127.0.0.1])\r\n\tby pa.bench.test (Postamt) with ESMTP id"
        + " 0123456789AB\r\n\tfor <alice@example.test>; Sat, 5 Dec 2026 17:53:04 +0000\r\n").getBytes();
    if (!Boolean.getBoolean("trace")) {
      return m;
    }
    byte[] out = new byte[top.length + m.length];
    System.arraycopy(top, 0, out, 0, top.length);
    System.arraycopy(m, 0, out, top.length, m.length);
    return out;
  }
}
