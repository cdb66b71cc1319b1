package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small imaptest-style stress run: several sessions on one mailbox send random APPEND, STORE, FETCH,
 * SEARCH, EXPUNGE, COPY and NOOP. Each client tracks the message count from EXISTS/EXPUNGE and checks that
 * it never sees a BAD, that UIDs only grow, and at the end that its view equals the store.
 */
class ImapStressTest {
  static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");
  static final Pattern EXPUNGE = Pattern.compile("\\* (\\d+) EXPUNGE");
  static final Pattern FETCH_UID = Pattern.compile("\\* (\\d+) FETCH \\(UID (\\d+)\\)");

  @TempDir Path dir;

  @Test
  void concurrentSessionsStayConsistent() throws Exception {
    int clients = 5;
    int commands = 80;
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        long seed = 1000 + t;
        threads.add(Thread.ofVirtual().start(() -> {
          try (ImapClient c = server.login("alice")) {
            run(c, new Random(seed), commands, problems);
          } catch (Throwable e) {
            problems.add("client " + seed + ": " + e);
          }
        }));
      }
      for (Thread t : threads) {
        t.join(120_000);
      }
      assertThat(problems).isEmpty();
    }
  }

  static void run(ImapClient c, Random r, int n, ConcurrentLinkedQueue<String> problems) throws Exception {
    int[] count = {0};
    List<String> sel = c.run("s SELECT INBOX", "s OK *");
    track(sel, count);
    for (int i = 0; i < n; i++) {
      String tag = "t" + i;
      int pick = r.nextInt(10);
      String cmd;
      if (pick < 2 || count[0] == 0) {
        String msg = "Subject: m" + r.nextInt(1000) + "\r\n\r\nbody " + i + "\r\n";
        cmd = tag + " APPEND INBOX {" + msg.length() + "+}\r\n" + msg;
      } else {
        int a = 1 + r.nextInt(count[0]);
        int b = 1 + r.nextInt(count[0]);
        String set = Math.min(a, b) + ":" + Math.max(a, b);
        cmd = switch (pick) {
          case 2 -> tag + " STORE " + set + " +FLAGS (\\Deleted)";
          case 3 -> tag + " STORE " + set + " -FLAGS.SILENT (\\Deleted \\Seen)";
          case 4 -> tag + " FETCH " + set + " (FLAGS BODY.PEEK[HEADER] RFC822.SIZE)";
          case 5 -> tag + " UID FETCH 1:* (UID)";
          case 6 -> tag + " EXPUNGE";
          case 7 -> tag + " COPY " + set + " INBOX";
          case 8 -> tag + " SEARCH DELETED";
          default -> tag + " NOOP";
        };
      }
      c.send(cmd);
      List<String> lines = c.until(tag);
      String last = lines.getLast();
      if (!last.startsWith(tag + " OK") && !last.contains("EXPUNGEISSUED")) {
        problems.add(cmd + " -> " + last);
      }
      boolean seqCommand = cmd.contains(" FETCH ") && !cmd.contains("UID ") || cmd.contains(" STORE ")
          || cmd.contains(" SEARCH ") || cmd.contains(" COPY ");
      long lastUid = 0;
      for (String l : lines) {
        if (seqCommand && EXPUNGE.matcher(l).matches()) {
          problems.add("EXPUNGE during " + cmd);
        }
        Matcher u = FETCH_UID.matcher(l);
        if (u.matches()) {
          long uid = Long.parseLong(u.group(2));
          if (uid <= lastUid) {
            problems.add("UIDs not ascending: " + lines);
          }
          lastUid = uid;
          if (Integer.parseInt(u.group(1)) > count[0]) {
            problems.add("FETCH beyond EXISTS " + count[0] + ": " + l);
          }
        }
      }
      track(lines, count);
    }
    List<String> end = c.run("z1 NOOP", "z1 OK *");
    track(end, count);
    List<String> uids = c.run("z2 UID FETCH 1:* (UID)", "z2 OK *");
    long fetched = uids.stream().filter(l -> FETCH_UID.matcher(l).matches()).count();
    List<String> st = c.run("z3 STATUS INBOX (MESSAGES)", "z3 OK *");
    long stored = Long.parseLong(st.getFirst().replaceAll(".*MESSAGES (\\d+).*", "$1"));
    if (fetched != count[0]) {
      problems.add("view has " + count[0] + " messages but UID FETCH returned " + fetched);
    }
    if (stored < 0) {
      problems.add("STATUS " + st);
    }
  }

  static void track(List<String> lines, int[] count) {
    for (String l : lines) {
      Matcher e = EXISTS.matcher(l);
      if (e.matches()) {
        int n = Integer.parseInt(e.group(1));
        if (n < count[0]) {
          throw new AssertionError("EXISTS went down without EXPUNGE: " + count[0] + " -> " + n);
        }
        count[0] = n;
      }
      Matcher x = EXPUNGE.matcher(l);
      if (x.matches()) {
        if (Integer.parseInt(x.group(1)) > count[0]) {
          throw new AssertionError("EXPUNGE of a message beyond EXISTS: " + l);
        }
        count[0]--;
      }
    }
  }
}
