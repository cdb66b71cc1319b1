package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.MailboxLayout;
import dev.postamt.testing.Dovecot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code postamt collect run} as a separate process, killed with SIGKILL in the middle of a run several
 * times, then run to the end: every remote message is in the mailbox exactly once, and the remote
 * INBOX is empty (the account does not keep).
 */
class CollectKillNineTest {
  private static final int MESSAGES = 240;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"pop3s", "imaps"})
  @org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES) // child JVMs, under a full suite
  void killedRunsNeitherLoseNorDuplicate(String scheme) throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret")) {
      CollectFixture f = new CollectFixture(tmp.resolve("postamt"), "");
      String filler = "x".repeat(70) + "\r\n";
      for (int i = 0; i < MESSAGES; i++) {
        d.deliver(CollectFixture.message("m" + i).replace("\r\n\r\nbody", "\r\n\r\n" + filler.repeat(40) + "body"));
      }
      int port = scheme.equals("pop3s") ? d.pop3s : d.imaps;
      assertThat(f.cli("collect", "add", CollectFixture.USER, scheme + "://127.0.0.1:" + port, "--user", d.login,
          "--password", d.password, "--insecure").status()).isZero();
      Path maildir = MailboxLayout.maildir(f.config.dataDir(), CollectFixture.USER);
      Random random = new Random(7);
      List<Integer> killedAt = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        int target = count(maildir) + 15 + random.nextInt(40);
        Process p = collectRun(f, round);
        try {
          Instant end = Instant.now().plus(Duration.ofSeconds(60));
          while (p.isAlive() && count(maildir) < target && Instant.now().isBefore(end)) {
            Thread.sleep(2); // polling the mailbox, not waiting a fixed time
          }
        } finally {
          p.destroyForcibly(); // SIGKILL
          p.waitFor();
        }
        killedAt.add(count(maildir));
      }
      assertThat(killedAt).as("killed in the middle of the runs").allMatch(n -> n > 0 && n < MESSAGES);

      List<Collector.Result> last = f.run();
      assertThat(last).singleElement().satisfies(r -> assertThat(r.error()).as("%s", r).isNull());
      Map<String, Integer> times = new TreeMap<>();
      for (String s : f.subjects(null).getOrDefault("INBOX", List.of())) {
        times.merge(s, 1, Integer::sum);
      }
      assertThat(times).as("every message once").hasSize(MESSAGES).allSatisfy((s, n) -> assertThat(n).as(s).isEqualTo(1));
      assertThat(d.inboxCount()).as("the remote INBOX after collecting").isZero();
      assertThat(f.run()).singleElement().satisfies(r -> assertThat(r.fetched()).isZero());
    }
  }

  private static Process collectRun(CollectFixture f, int round) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.postamt.cli.Main", "collect", "run",
        CollectFixture.USER, "--config", f.configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(f.dir.resolve("run-" + round + ".log").toFile())
        .start();
  }

  /** Messages delivered into the INBOX so far. */
  private static int count(Path maildir) throws IOException {
    int n = 0;
    for (String sub : List.of("new", "cur")) {
      Path p = maildir.resolve(sub);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          n += (int) s.count();
        }
      }
    }
    return n;
  }
}
