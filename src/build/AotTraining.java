import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the JDK's ahead-of-time cache (JEP 483, one step with {@code -XX:AOTCacheOutput}
 * as of JEP 514), run by the Maven build after the runnable jar is made ({@code pom.xml}, phase {@code
 * package}), as a single source file ({@code java src/build/AotTraining.java JAR CACHE FLAGS…}).
 *
 * <p>It starts the server once on a fresh config in a temporary directory and stops it at its banner (a
 * first start: certificate and databases made), then starts {@code java FLAGS -XX:AOTCacheOutput=CACHE.tmp
 * -jar JAR serve} on that directory (every default service on a free loopback port, an empty zone file, the full-text
 * index off), waits for the SMTP banner, delivers one message over SMTP, ends the recording ({@code jcmd PID AOT.end_recording}: the JVM writes the classes it
 * loaded and linked and the profiles it gathered into the cache while it runs, so its shutdown stays
 * out), then stops the server with SIGTERM as an operator would. The launcher ({@code ./postamt}) passes
 * {@code -XX:AOTCache} when the cache is there and newer than the jar.
 *
 * <p>What the training leaves out is on purpose (issue 27, idle memory): the JVM loads every class the
 * cache holds at start and the whole cache is resident, so the idle server costs what the training used,
 * not what the start uses. Lucene (1,052 classes), the IMAP and POP3 sessions (~150 more with what they
 * use), Jetty and the web apps (~550, made at the first HTTP connection) are loaded from the jar at their
 * first use instead (the first indexing after the first message's
 * reply, the first login): the cache is 43 instead of 55 MB and the idle server ~11 MB smaller, for a
 * first login and a first indexing that load their classes from the jar (bench/README.md, dated rows of 2026-12-05
 * 18:33 and 18:38). {@code -Dpostamt.aot.search=true}, {@code -Dpostamt.aot.sessions=true}, {@code
 * -Dpostamt.aot.web=true} put them back. {@code -Dpostamt.aot.delivery=false} leaves the delivery path out
 * too (36.2 instead of 38.9 MB of cache, but the first message after a start loads ~420 classes from the
 * jar and took 0.8-1.0 instead of 0.2-0.5 s, and the process after it was no smaller: bench/README.md,
 * 2026-12-06, jar rows; not the default). {@code
 * -Dpostamt.aot.messages=N} (implies the delivery) sends an SMTP load of N messages after the first one, recorded with low JIT
 * thresholds (the profiles and C2 compilations of the hot delivery path: see {@link #COMPILE_SCALING}).
 *
 * <p>FLAGS must be the launcher's flags that the cache depends on (the collector, compact object
 * headers): a cache made with other ones is not used. Nothing here fails the build: the jar is complete
 * without the cache, so a training run that goes wrong is reported on stderr and leaves no cache (the
 * launcher then starts without one).
 */
public final class AotTraining {
  private static final String USER = "train@example.test";
  private static final String PASSWORD = "aot-training-password";
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(240);
  /**
   * Messages of an SMTP load after the first delivery (none by default: {@code -Daot.messages=N} in the build),
   * for the profiles of the hot delivery path (JEP 515). Alone, 1,500 of them (one in ten 100 KiB) made
   * the cache 5 MB larger and did not lower the JIT's CPU in the first 7,000 messages after a start
   * (bench/README.md, 2026-12-05 17:45): a method the server runs once per message had not been compiled
   * by C2 in the training (that takes 5,000 calls or more), and the JVM compiles a method at once with
   * its recorded profile only when the training compiled it at C2. Hence {@link #COMPILE_SCALING}.
   */
  static final int LOAD_MESSAGES = Integer.getInteger("postamt.aot.messages", 0);
  /**
   * The recorded run's {@code -XX:CompileThresholdScaling} when there is a load: 0.05 makes the JIT's
   * thresholds a twentieth, so the methods a message passes through reach C2 within the training's
   * load (after ~250 calls) and the cache holds their profiles and C2 compilations as training data. A
   * server started with the cache then compiles them with C2 at once, with those profiles, instead of
   * profiling them in the slower tier-3 code over its first ~10,000 messages (bench/README.md, warmjit
   * rows of 2026-12-05). The server itself runs with the JVM's own thresholds.
   */
  static final String COMPILE_SCALING = System.getProperty("postamt.aot.compileScaling", "0.05");
  /** Whether the training's server keeps a full-text index (Lucene): its classes are then in the cache. */
  static final boolean SEARCH = Boolean.parseBoolean(System.getProperty("postamt.aot.search", "false"));
  /** Whether the training logs in over IMAP and POP3 (their classes and what they use then in the cache). */
  static final boolean SESSIONS = Boolean.parseBoolean(System.getProperty("postamt.aot.sessions", "false"));
  /**
   * Whether the training asks the HTTP listener for two pages. The server makes Jetty, JMAP and the web
   * apps at the first HTTP connection (server.LazyWeb), so a page here would put them all in the cache
   * (~6 MB, every idle server) for a first page that then loads them from the jar: off by default.
   */
  static final boolean WEB = Boolean.parseBoolean(System.getProperty("postamt.aot.web", "false"));
  /**
   * Whether the recorded run delivers a message (on by default, and always with a load). Without it the training reads the banner,
   * says QUIT and stops the server: the cache then holds what a restart loads up to its banner and not
   * the delivery path (the spam scan, Sieve, the store's writers, the DKIM/SPF/DMARC checks), which the
   * first message then loads from the jar (bench/README.md, 2026-12-06, jar rows).
   */
  static final boolean DELIVERY =
      LOAD_MESSAGES > 0 || Boolean.parseBoolean(System.getProperty("postamt.aot.delivery", "true"));
  /** Parallel sessions of the load, as a busy MX sees them (and as bench/smtp-vs-postfix sends). */
  static final int LOAD_SESSIONS = 8;

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: java AotTraining.java JAR CACHE [JVM-FLAG...]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]).toAbsolutePath();
    Path cache = Path.of(args[1]).toAbsolutePath();
    List<String> flags = List.of(args).subList(2, args.length);
    long start = System.nanoTime();
    // A second attempt, on new ports, when the first fails: another program may take a port between
    // its choice here and the server's bind (a build beside a test run), and a build without its cache
    // starts slower, silently.
    for (int attempt = 1; ; attempt++) {
      Files.deleteIfExists(cache);
      Path dir = Files.createTempDirectory("postamt-aot-training");
      try {
        train(jar, cache, flags, dir);
        System.err.printf("postamt: AOT cache %s (%d MB) trained in %.1f s%n", cache.getFileName(),
            Files.size(cache) >> 20, (System.nanoTime() - start) / 1e9);
        return;
      } catch (Exception e) {
        Files.deleteIfExists(cache);
        if (attempt == 2) {
          System.err.println("postamt: no AOT cache (the launcher starts without it): " + e.getMessage());
          return;
        }
        System.err.println("postamt: AOT training failed, trying once more: " + firstLine(e.getMessage()));
      } finally {
        deleteTree(dir);
      }
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static void train(Path jar, Path cache, List<String> flags, Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int smtp = freePort();
    int imap = freePort();
    int pop3 = freePort();
    int http = freePort();
    Files.writeString(dir.resolve("zone.txt"), "");
    StringBuilder toml = new StringBuilder("""
        hostname = "aot.training.test"
        data_dir = "data"
        [listen]
        """);
    toml.append("smtp = \"127.0.0.1:").append(smtp).append("\"\n");
    toml.append("imap = \"127.0.0.1:").append(imap).append("\"\n");
    toml.append("pop3 = \"127.0.0.1:").append(pop3).append("\"\n");
    toml.append("http = \"127.0.0.1:").append(http).append("\"\n");
    for (String s : List.of("submission", "smtps", "imaps", "pop3s", "managesieve")) {
      toml.append(s).append(" = \"127.0.0.1:").append(freePort()).append("\"\n");
    }
    toml.append("[dns]\nzone_file = \"zone.txt\"\n");
    if (!SEARCH) {
      toml.append("[search]\nenabled = false\n");
    }
    Path config = dir.resolve("postamt.toml");
    Files.writeString(config, toml);
    Path log = dir.resolve("server.log");
    run(dir, log, java, "-jar", jar.toString(), "domain", "add", "example.test", "--config", config.toString());
    run(dir, log, java, "-jar", jar.toString(), "user", "add", USER, "--password", PASSWORD, "--config",
        config.toString());

    // A first start without recording: the certificate, the key and the databases a first start makes
    // are there when the recorded run starts, so the cache holds what every restart loads, not what only
    // a server's very first start does (BouncyCastle's certificate builder, the RSA key search, the
    // schemas): a 1.2 MB smaller cache and idle server (bench/README.md, 2026-12-05 20:49).
    firstStart(dir, log, java, jar, config, smtp);

    // The cache is written next to the final name and moved there only when whole: a launcher never
    // sees half a file.
    Path partial = cache.resolveSibling(cache.getFileName() + ".tmp");
    Files.deleteIfExists(partial);
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(flags);
    if (LOAD_MESSAGES > 0) {
      cmd.add("-XX:CompileThresholdScaling=" + COMPILE_SCALING);
    }
    cmd.addAll(List.of("-XX:AOTCacheOutput=" + partial, "-Xlog:aot=error,cds=error", "-jar", jar.toString(),
        "serve", "--config", config.toString()));
    Process server = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    try {
      if (DELIVERY) {
        smtpDelivery(smtp, deadline);
        Path maildir = dir.resolve("data/mail/example.test/train/Maildir");
        waitForDelivery(maildir, 1, deadline);
        smtpLoad(smtp, deadline);
        waitForDelivery(maildir, 1 + LOAD_MESSAGES, deadline);
      } else {
        try (Socket s = connect(smtp, deadline, server)) {
          Conversation c = new Conversation(s);
          c.expect("220");
          c.send("QUIT").expect("221");
        }
        // what a start does after its banner (the spam rules, the HTTP ports, the daily jobs) belongs in it
        waitForStarted(java, server.pid(), log, deadline);
      }
      if (SESSIONS) {
        imapSession(imap);
        pop3Session(pop3);
      }
      if (WEB) {
        // the HTTP listener opens after the banner: its first request waits for it as the SMTP one does
        httpGet(http, "/mail/", deadline);
        httpGet(http, "/admin/", deadline);
      }
      if (!SESSIONS && !WEB) {
        endRecording(java, server, partial, deadline);
      }
    } catch (Exception e) {
      server.destroyForcibly();
      throw new IOException(e.getMessage() + "; server log:\n" + tail(log), e);
    } finally {
      server.destroy(); // SIGTERM: the JVM writes the cache while it exits unless endRecording did
    }
    if (!server.waitFor(120, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      throw new IOException("the server did not stop within 120 s");
    }
    if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
      throw new IOException("the JVM wrote no cache; server log:\n" + tail(log));
    }
    Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Ends the recording while the server runs ({@code jcmd PID AOT.end_recording}, JDK 25) and waits for the
   * JVM's child process that writes the cache. What the server loads after this, the classes of its
   * shutdown (SIGTERM: the listeners, the databases and the queue closed), stays out of the cache: no
   * server needs them before it stops. When the command fails the cache is written at exit, as before.
   */
  private static void endRecording(String java, Process server, Path partial, long deadline) throws Exception {
    String jcmd = Path.of(java).resolveSibling("jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(server.pid()), "AOT.end_recording").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || !out.contains("Recording ended")) {
      System.err.println("postamt: AOT.end_recording did not work, the cache is written at exit: " + out.strip());
      return;
    }
    // the recorded JVM starts a child JVM that assembles the cache from the recording
    while (System.nanoTime() < deadline) {
      boolean assembling = server.descendants().anyMatch(ProcessHandle::isAlive);
      if (!assembling && Files.isRegularFile(partial) && Files.size(partial) > 0) {
        return;
      }
      if (!server.isAlive()) {
        throw new IOException("the server exited while its cache was written");
      }
      Thread.sleep(50);
    }
    throw new IOException("the cache was not written in time");
  }

  /** Waits for the ready line in the log and for the start's background threads ({@code start-*}) to end. */
  private static void waitForStarted(String java, long pid, Path log, long deadline) throws Exception {
    String jcmd = Path.of(java).resolveSibling("jcmd").toString();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains("postamt ready:")) {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String threads = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() == 0 && !threads.contains("\"start-")) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("the server did not finish starting in time");
  }

  /** Starts the server on the fresh data directory, waits for its banner, stops it (SIGTERM). */
  private static void firstStart(Path dir, Path log, String java, Path jar, Path config, int smtp) throws Exception {
    Process first = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--config", config.toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    try (Socket s = connect(smtp, deadline, first)) {
      new Conversation(s).expect("220");
      // The self-signed pair is made after the listeners open (net.TlsContext): stopped before it is
      // written, the recorded run would make it and hold BouncyCastle's certificate builder in the cache.
      Path tls = dir.resolve("data/tls");
      while (!(Files.exists(tls.resolve("selfsigned.crt")) && Files.exists(tls.resolve("selfsigned.key")))) {
        if (System.nanoTime() > deadline) {
          throw new IOException("no self-signed certificate in " + tls);
        }
        Thread.sleep(20);
      }
    } catch (Exception e) {
      first.destroyForcibly();
      throw new IOException("the first start did not come up: " + e.getMessage() + "; server log:\n" + tail(log), e);
    }
    first.destroy();
    if (!first.waitFor(120, TimeUnit.SECONDS)) {
      first.destroyForcibly();
      throw new IOException("the first start did not stop within 120 s");
    }
  }

  private static void smtpDelivery(int port, long deadline) throws Exception {
    try (Socket s = connect(port, deadline)) {
      Conversation c = new Conversation(s);
      c.expect("220");
      c.send("EHLO training.test").expectLast("250");
      c.send("MAIL FROM:<sender@example.org>").expect("250");
      c.send("RCPT TO:<" + USER + ">").expect("250");
      c.send("DATA").expect("354");
      c.send("From: sender@example.org\r\nTo: " + USER + "\r\nSubject: AOT training\r\n"
          + "Message-ID: <training@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
          + "One message, so that receiving, checking, spooling and delivering are in the cache.\r\n.")
          .expect("250");
      c.send("QUIT").expect("221");
    }
  }

  /**
   * {@link #LOAD_MESSAGES} messages over {@link #LOAD_SESSIONS} sessions at once, one message per
   * connection (as most MX traffic comes), 4 KiB of text each and every tenth 100 KiB.
   */
  private static void smtpLoad(int port, long deadline) throws Exception {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < LOAD_SESSIONS; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          for (int n = next.getAndIncrement(); n < LOAD_MESSAGES; n = next.getAndIncrement()) {
            sendOne(port, n, deadline);
          }
        } catch (Exception e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  private static void sendOne(int port, int n, long deadline) throws Exception {
    StringBuilder body = new StringBuilder();
    int size = n % 10 == 9 ? 100 * 1024 : 4 * 1024;
    for (int line = 0; body.length() < size; line++) {
      body.append("Line ").append(line).append(" of training message ").append(n)
          .append(": receiving, checking, spooling, delivering and indexing it.\r\n");
    }
    try (Socket s = connect(port, deadline)) {
      Conversation c = new Conversation(s);
      c.expect("220");
      c.send("EHLO client" + (n % 8) + ".training.test").expectLast("250");
      c.send("MAIL FROM:<sender" + n + "@example.org>").expect("250");
      c.send("RCPT TO:<" + USER + ">").expect("250");
      c.send("DATA").expect("354");
      c.send("From: sender" + n + "@example.org\r\nTo: " + USER + "\r\nSubject: training " + n + "\r\n"
          + "Message-ID: <training." + n + "@example.org>\r\nDate: Sat, 5 Dec 2026 12:00:00 +0000\r\n"
          + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + body + ".").expect("250");
      c.send("QUIT").expect("221");
    }
  }

  /** Waits until {@code count} messages are in the Maildir (new and cur). */
  private static void waitForDelivery(Path maildir, int count, long deadline) throws Exception {
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = 0;
      for (String sub : List.of("new", "cur")) {
        Path d = maildir.resolve(sub);
        if (Files.isDirectory(d)) {
          try (Stream<Path> files = Files.list(d)) {
            seen += files.count();
          }
        }
      }
      if (seen >= count) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException(seen + " of " + count + " messages delivered to " + maildir);
  }

  private static void imapSession(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      Conversation c = new Conversation(s);
      c.expect("* OK");
      c.send("a1 LOGIN " + USER + " " + PASSWORD).expectTagged("a1 OK");
      c.send("a2 SELECT INBOX").expectTagged("a2 OK");
      c.send("a3 FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)").expectTagged("a3 OK");
      c.send("a4 FETCH 1 BODY[]").expectTagged("a4 OK");
      c.send("a5 UID SEARCH TEXT training").expectTagged("a5 OK");
      c.send("a6 LOGOUT").expectTagged("a6 OK");
    }
  }

  private static void pop3Session(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      Conversation c = new Conversation(s);
      c.expect("+OK");
      c.send("USER " + USER).expect("+OK");
      c.send("PASS " + PASSWORD).expect("+OK");
      c.send("STAT").expect("+OK");
      c.send("QUIT").expect("+OK");
    }
  }

  private static void httpGet(int port, String path, long deadline) throws Exception {
    try (Socket s = connect(port, deadline)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      if (status == null || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("GET " + path + ": " + status);
      }
      s.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
  }

  private static Socket connect(int port, long deadline) throws Exception {
    return connect(port, deadline, null);
  }

  /** As {@link #connect(int, long)}, failing at once when {@code server} (if given) has ended. */
  private static Socket connect(int port, long deadline, Process server) throws Exception {
    while (true) {
      try {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        return s;
      } catch (IOException e) {
        if (server != null && !server.isAlive()) {
          throw new IOException("the server ended (exit " + server.exitValue() + ") before it listened on port " + port);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("nothing listening on port " + port + ": " + e.getMessage());
        }
        Thread.sleep(50);
      }
    }
  }

  /** One line-based client conversation; every wait has the socket's time limit. */
  private static final class Conversation {
    private final BufferedReader in;
    private final OutputStream out;

    Conversation(Socket s) throws IOException {
      s.setSoTimeout(30_000);
      in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out = s.getOutputStream();
    }

    Conversation send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return this;
    }

    String line() throws IOException {
      String l = in.readLine();
      if (l == null) {
        throw new IOException("connection closed");
      }
      return l;
    }

    void expect(String prefix) throws IOException {
      String l = line();
      if (!l.startsWith(prefix)) {
        throw new IOException("expected " + prefix + ", got: " + l);
      }
    }

    /** The last line of a multi-line SMTP reply ({@code 250-…} lines before {@code 250 …}). */
    void expectLast(String code) throws IOException {
      String l;
      do {
        l = line();
      } while (l.length() > 3 && l.charAt(3) == '-');
      if (!l.startsWith(code)) {
        throw new IOException("expected " + code + ", got: " + l);
      }
    }

    /** Reads untagged lines (and literals' lines) up to the tagged answer. */
    void expectTagged(String prefix) throws IOException {
      String tag = prefix.substring(0, prefix.indexOf(' ') + 1);
      String l;
      do {
        l = line();
      } while (!l.startsWith(tag));
      if (!l.startsWith(prefix)) {
        throw new IOException("expected " + prefix + ", got: " + l);
      }
    }
  }

  /** The ports handed out so far: the system may give a closed port again at once. */
  private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();

  /**
   * A free loopback port not handed out before in this run: each service needs its own, and the system
   * hands a port just closed to the next bind(0) at times (a training failed with submission and pop3s on
   * one port: "cannot listen on 127.0.0.1:41175 for pop3s", 2026-12-06).
   */
  private static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (GIVEN.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  private static void run(Path dir, Path log, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + tail(log));
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
