package dev.postamt.store;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * bench/store-open: what opening an account costs as its mailbox grows. The store's server backend
 * (SQLite index, Maildir) in one JVM, no server: a user whose INBOX holds {@code sizes} messages (4 KiB
 * files written straight into {@code new/}, taken in by one open), then (after 20 opens at the first
 * size, not measured) {@code opens} opens and closes of
 * the account, each reconciling the folders with the index as the search indexer's open after a burst
 * of mail does ({@code FolderScan.reconcile}). Prints per size the median and best wall and thread-CPU
 * milliseconds per open. Not a test: bench/store-open runs it.
 */
public final class StoreOpen {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int opens = Integer.parseInt(args[1]);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    byte[] body = ("From: <bench@client.bench.test>\r\nTo: <alice@example.test>\r\nSubject: store-open\r\n\r\n"
        + "La de da de da.\r\n".repeat(240)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int had = 0;
    try (MailStore store = new SqliteMailStore(data)) {
      String user = "alice@example.test";
      store.create(user);
      try (Account a = store.open(user)) {
        // the default folders made, nothing in them
      }
      Path newDir = Path.of(store.location(user)).resolve("new");
      for (int i = 2; i < args.length; i++) {
        int size = Integer.parseInt(args[i]);
        for (int k = had; k < size; k++) {
          Files.write(newDir.resolve((1_790_000_000L + k) + ".B" + k + ".bench,S=" + body.length), body);
        }
        had = size;
        try (Account a = store.open(user)) {
          // takes the new files in (their rows, the move into cur/)
        }
        if (i == 2) {
          for (int w = 0; w < 20; w++) { // the JIT's first compilations, not measured
            store.open(user).close();
          }
        }
        double[] wall = new double[opens];
        double[] cpu = new double[opens];
        for (int r = 0; r < opens; r++) {
          long c0 = mx.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          try (Account a = store.open(user)) {
            if (a.mailbox("INBOX").isEmpty()) {
              throw new IOException("no INBOX");
            }
          }
          wall[r] = (System.nanoTime() - t0) / 1e6;
          cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(
            "messages=%d opens=%d wall_ms_median=%.2f wall_ms_best=%.2f cpu_ms_median=%.2f cpu_ms_best=%.2f%n",
            size, opens, wall[opens / 2], wall[0], cpu[opens / 2], cpu[0]);
      }
    }
  }
}
