package dev.postamt.search;

import dev.postamt.store.MessageRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * bench/index-cpu's driver: one message built into its index document ({@link MessageDocument#build})
 * and added to a Lucene index in a temporary directory, COUNT times per round, on this thread, with the
 * writer's settings of {@link UserIndex#writerConfig}; a commit and a reader reopened every PUBLISH
 * messages (the server's indexer publishes once per sync: a burst's sync takes up to 500 messages, a
 * trickle's a few). Per round: this thread's CPU per message (what the indexer's thread spends), the part
 * of it in {@code build} (the text analysis before Lucene's own work), and the process's CPU per message
 * (Lucene's merge threads, GC and JIT as well). With {@code build} as the fourth argument only the
 * documents are built, nothing is added. Each document is built in the arrays the last one used, as the
 * indexer builds them ({@code MessageDocument.Scratch}, since 2026-12-06; a jar without it builds each in
 * new arrays). Compiled against a Postamt jar into the package it reads; the thread's allocation per
 * message is printed too.
 *
 * <p>Arguments: message file, rounds, count, [index|build], [publish every].
 */
public final class IndexCpu {
  private IndexCpu() {}

  public static void main(String[] args) throws Exception {
    byte[] msg = Files.readAllBytes(Path.of(args[0]));
    int rounds = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    boolean add = args.length < 4 || !args[3].equals("build");
    int publish = args.length > 4 ? Integer.parseInt(args[4]) : 500;
    var budget = new MessageDocument.Budget(50L << 20, 1 << 20, 1 << 20);
    Path dir = Files.createTempDirectory("index-cpu");
    var threads = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long uid = 1;
    java.lang.invoke.MethodHandle build = builder();
    var allocs = (com.sun.management.ThreadMXBean) threads;
    try (NIOFSDirectory d = new NIOFSDirectory(dir); IndexWriter w = new IndexWriter(d, UserIndex.writerConfig())) {
      DirectoryReader r = DirectoryReader.open(w);
      for (int round = 1; round <= rounds; round++) {
        long t0 = threads.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        long buildNanos = 0;
        long a0 = allocs.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < count; i++) {
          long b0 = threads.getCurrentThreadCpuTime();
          Document doc = (Document) build.invoke(new MessageRecord(uid, "m" + uid, Set.of(), 1, 0, msg.length), msg, budget);
          buildNanos += threads.getCurrentThreadCpuTime() - b0;
          uid++;
          if (!add) {
            continue;
          }
          w.addDocument(doc);
          if (uid % publish == 0) {
            w.setLiveCommitData(Map.of("mb.1", "1:" + uid + ":1").entrySet());
            w.commit();
            DirectoryReader n = DirectoryReader.openIfChanged(r, w);
            if (n != null) {
              r.decRef();
              r = n;
            }
          }
        }
        double thread = (threads.getCurrentThreadCpuTime() - t0) / 1e6 / count;
        double process = (os.getProcessCpuTime() - p0) / 1e6 / count;
        long allocated = allocs.getCurrentThreadAllocatedBytes() - a0;
        System.out.printf("round %d: thread_ms_per_msg=%.3f build_ms_per_msg=%.3f process_ms_per_msg=%.3f thread_kib_per_msg=%.1f segments=%d%n",
            round, thread, buildNanos / 1e6 / count, process, allocated / 1024.0 / count, r.leaves().size());
      }
      r.decRef();
      w.rollback();
    } catch (Throwable t) {
      throw t instanceof Exception e ? e : new RuntimeException(t);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** (record, bytes, budget) to the document: in one scratch kept for every message when the jar has one. */
  private static java.lang.invoke.MethodHandle builder() throws ReflectiveOperationException {
    var lookup = java.lang.invoke.MethodHandles.lookup();
    var plain = lookup.findStatic(MessageDocument.class, "build", java.lang.invoke.MethodType.methodType(Document.class,
        long.class, MessageRecord.class, byte[].class, MessageDocument.Budget.class));
    Class<?> scratch;
    try {
      scratch = Class.forName("dev.postamt.search.MessageDocument$Scratch");
    } catch (ClassNotFoundException e) {
      return java.lang.invoke.MethodHandles.insertArguments(plain, 0, 1L);
    }
    var ctor = lookup.findConstructor(scratch, java.lang.invoke.MethodType.methodType(void.class));
    var withScratch = lookup.findStatic(MessageDocument.class, "build", java.lang.invoke.MethodType.methodType(Document.class,
        long.class, MessageRecord.class, byte[].class, MessageDocument.Budget.class, scratch));
    Object one;
    try {
      one = ctor.invoke();
    } catch (Throwable t) {
      throw new ReflectiveOperationException(t);
    }
    return java.lang.invoke.MethodHandles.insertArguments(java.lang.invoke.MethodHandles.insertArguments(withScratch, 4, one), 0, 1L);
  }
}
