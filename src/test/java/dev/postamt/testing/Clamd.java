package dev.postamt.testing;

import dev.postamt.antivirus.ClamdClient;
import dev.postamt.antivirus.ClamdException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real clamd (Debian's clamav-daemon) for tests, with a temporary config and a signature database of
 * our own (no network, so no official database): the EICAR test file by hash, the EICAR text and a
 * custom marker by body pattern. Started in the foreground on a unix socket (and TCP on a free port);
 * tests skip when /usr/sbin/clamd is not installed.
 */
public final class Clamd implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/clamd");
  /** The 68-byte EICAR anti-virus test file. */
  public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
  /** Content our .ndb signature {@code Postamt.Test.Marker} matches anywhere. */
  public static final String MARKER = "POSTAMT-TEST-VIRUS-MARKER-7f3a9c";

  public final Path dir;
  public final Path socket;
  public final int tcpPort;
  private final Path conf;
  private Process process;

  private Clamd(Path dir, Path socket, int tcpPort, Path conf) {
    this.dir = dir;
    this.socket = socket;
    this.tcpPort = tcpPort;
    this.conf = conf;
  }

  /**
   * Starts clamd in {@code dir} and waits until it answers PING.
   *
   * @param scanMail whether clamd parses mail itself ({@code ScanMail}); off, only our own MIME
   *     decoding can find what a base64 part hides
   */
  public static Clamd start(Path dir, boolean scanMail, String streamMaxLength) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(BINARY),
        "Debian's clamav-daemon is not installed (/usr/sbin/clamd missing): clamd tests skipped");
    Path db = Files.createDirectories(dir.resolve("db"));
    Files.writeString(db.resolve("test.hdb"),
        md5(EICAR) + ":" + EICAR.length() + ":Postamt.Test.Eicar\n");
    Files.writeString(db.resolve("test.ndb"),
        "Postamt.Test.EicarText:0:*:" + hex("EICAR-STANDARD-ANTIVIRUS-TEST-FILE") + "\n"
            + "Postamt.Test.Marker:0:*:" + hex(MARKER) + "\n");
    int port = Ports.free();
    Path socket = dir.resolve("clamd.sock");
    Path conf = dir.resolve("clamd.conf");
    Files.writeString(conf, String.join("\n", List.of(
        "Foreground yes",
        "LocalSocket " + socket,
        "TCPSocket " + port,
        "TCPAddr 127.0.0.1",
        "DatabaseDirectory " + db,
        "LogFile " + dir.resolve("clamd.log"),
        "LogTime yes",
        "StreamMaxLength " + streamMaxLength,
        "MaxThreads 4",
        "ScanMail " + (scanMail ? "yes" : "no"),
        "")));
    Clamd c = new Clamd(dir, socket, port, conf);
    c.startProcess();
    return c;
  }

  /** {@code unix:} address of the socket. */
  public String unix() {
    return "unix:" + socket;
  }

  public String tcp() {
    return "tcp:127.0.0.1:" + tcpPort;
  }

  /** Starts clamd (again, after {@link #kill}) and waits for it to answer. */
  public void startProcess() throws Exception {
    Files.deleteIfExists(socket);
    process = new ProcessBuilder(BINARY.toString(), "--config-file=" + conf)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("clamd.out").toFile())
        .start();
    ClamdClient probe = new ClamdClient(unix(), Duration.ofSeconds(5), 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("clamd exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("clamd.out"), StandardCharsets.UTF_8));
      }
      if (Files.exists(socket)) {
        try {
          if (probe.ping()) {
            return;
          }
        } catch (ClamdException notYet) {
          // loading the database
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("clamd did not answer within 90 s");
      }
      Thread.onSpinWait();
      process.waitFor(50, TimeUnit.MILLISECONDS); // returns at once if it dies
    }
  }

  /** Kills clamd at once (SIGKILL): like a crash, the socket file stays behind. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
  }

}
