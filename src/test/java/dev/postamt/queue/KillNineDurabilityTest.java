package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.store.MailboxLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the server as a separate process, sends mail from several concurrent clients, kills the server
 * with SIGKILL at random moments and restarts it, several times. Afterwards every message that got a
 * 250 must be in the mailbox exactly once, and nothing half-written may be there.
 */
class KillNineDurabilityTest {
  private static final Pattern SUBJECT = Pattern.compile("Subject: (m-\\d+-\\d+)\r\n");
  @TempDir Path dir;

  @Test
  // four server starts and three rounds of load on a busy machine: its own waits are bounded (20 s a round, 60 s at the end)
  @org.junit.jupiter.api.Timeout(300)
  void acknowledgedMailSurvivesKillNineExactlyOnce() throws Exception {
    Path data = dir.resolve("data");
    try (Directory d = Directory.open(data)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", "pw".toCharArray());
    }
    int port = dev.postamt.testing.Ports.free();
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(
        cfg,
        "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[dns]\nzone_file = \"zone.txt\"\n"
            + "[listen]\nsmtp = \"127.0.0.1:" + port + "\"\n");
    Files.writeString(dir.resolve("zone.txt"), "");

    Set<String> acked = ConcurrentHashMap.newKeySet();
    Random random = new Random(42);
    int rounds = 3;
    for (int round = 0; round < rounds; round++) {
      Process server = startServer(cfg);
      try {
        awaitPort(port);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          int client = round * 10 + c;
          clients.add(Thread.ofVirtual().start(() -> sendUntilStopped(port, client, acked, stop)));
        }
        // let some mail through, then kill at a random moment
        Instant until = Instant.now().plusSeconds(20);
        int target = acked.size() + 20 + random.nextInt(40);
        while (acked.size() < target && Instant.now().isBefore(until)) {
          Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(30));
        server.destroyForcibly(); // SIGKILL
        server.waitFor();
        stop.set(true);
        for (Thread t : clients) {
          t.join();
        }
      } finally {
        server.destroyForcibly();
      }
    }
    assertThat(acked.size()).as("messages acknowledged").isGreaterThan(50);

    Process server = startServer(cfg);
    try {
      awaitPort(port);
      Path maildir = MailboxLayout.maildir(data, "alice@example.test");
      Map<String, Integer> seen = Map.of();
      Instant end = Instant.now().plusSeconds(60);
      while (Instant.now().isBefore(end)) {
        seen = delivered(maildir);
        if (seen.keySet().containsAll(acked)) {
          break;
        }
        Thread.sleep(50);
      }
      Set<String> missing = new java.util.TreeSet<>(acked);
      missing.removeAll(seen.keySet());
      assertThat(missing).as("acknowledged but lost").isEmpty();
      assertThat(seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
          .as("delivered more than once")
          .isEmpty();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private Process startServer(Path cfg) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), "dev.postamt.cli.Main", "serve", "--config", cfg.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile())
        .start();
  }

  private static void awaitPort(int port) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(end)) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  /** Sends messages on one connection after another until told to stop or the server dies. */
  private static void sendUntilStopped(int port, int client, Set<String> acked, AtomicBoolean stop) {
    int n = 0;
    while (!stop.get()) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        expect(in, "220");
        send(out, "EHLO c" + client);
        expect(in, "250");
        while (!stop.get()) {
          String id = "m-" + client + "-" + (n++);
          send(out, "MAIL FROM:<s@outside.example>");
          expect(in, "250");
          send(out, "RCPT TO:<alice@example.test>");
          expect(in, "250");
          send(out, "DATA");
          expect(in, "354");
          out.write(("Subject: " + id + "\r\n\r\n" + "body line\r\n".repeat(40) + "END " + id + "\r\n.\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          String r = expect(in, "250");
          if (r != null) {
            acked.add(id);
          }
        }
      } catch (IOException e) {
        // the server was killed: reconnect (or stop)
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String expect(BufferedReader in, String code) throws IOException {
    String l;
    do {
      l = in.readLine();
      if (l == null) {
        throw new IOException("closed");
      }
    } while (l.length() > 3 && l.charAt(3) == '-');
    if (!l.startsWith(code)) {
      throw new IOException("unexpected reply " + l);
    }
    return l;
  }

  /** Message ids in the Maildir with their counts; a message without its END line counts as torn. */
  private static Map<String, Integer> delivered(Path maildir) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (String sub : List.of("new", "cur")) {
      Path d = maildir.resolve(sub);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
        for (Path p : ds) {
          String text = Files.readString(p, StandardCharsets.US_ASCII);
          Matcher m = SUBJECT.matcher(text);
          assertThat(m.find()).as("message without subject: %s", p).isTrue();
          String id = m.group(1);
          assertThat(text).as("torn message %s", p).endsWith("END " + id + "\r\n");
          seen.merge(id, 1, Integer::sum);
        }
      }
    }
    return seen;
  }
}
