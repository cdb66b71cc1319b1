package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.cli.Main;
import dev.postamt.directory.Directory;
import dev.postamt.net.TlsContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP and {@code postamt reload} against a real server process: the new certificate is used for
 * the next handshake, an IDLE session stays up, the server keeps running (issue 14 items 3 and 6).
 */
class ReloadTest {
  @TempDir Path dir;

  @Test
  void reloadTakesTheNewCertificateWhileAnIdleSessionStaysUp() throws Exception {
    Path data = dir.resolve("data");
    try (Directory d = Directory.open(data)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", "secret".toCharArray());
    }
    TlsContext.writeSelfSigned(List.of("first.example.test"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
    int imap = freePort();
    int imaps = freePort();
    int https = freePort();
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(
        cfg,
        """
        hostname = "mx.example.test"
        [listen]
        imap = "127.0.0.1:%d"
        imaps = "127.0.0.1:%d"
        https = "127.0.0.1:%d"
        [tls]
        certificate = "cert.pem"
        private_key = "key.pem"
        [log]
        file = "postamt.log"
        """
            .formatted(imap, imaps, https));
    Process server = ChildServer.start(cfg);
    try {
      awaitLog("postamt ready");
      assertThat(peerName(imaps)).isEqualTo("CN=first.example.test");
      assertThat(peerName(https)).isEqualTo("CN=first.example.test");
      try (Socket idle = new Socket("127.0.0.1", imap)) {
        idle.setSoTimeout(20_000);
        var in = new BufferedReader(new InputStreamReader(idle.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = idle.getOutputStream();
        assertThat(in.readLine()).startsWith("* OK");
        out.write("a LOGIN alice@example.test secret\r\nb SELECT INBOX\r\nc IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
        String line;
        while (!(line = in.readLine()).startsWith("+ ")) {
          assertThat(line).doesNotStartWith("a NO").doesNotStartWith("b NO");
        }

        TlsContext.writeSelfSigned(List.of("second.example.test"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
        int status = Main.run(new String[] {"reload", "--config", cfg.toString()});
        assertThat(status).isZero();
        awaitLog("reload: certificate reloaded");
        assertThat(peerName(imaps)).isEqualTo("CN=second.example.test");
        assertThat(peerName(https)).as("https takes it too").isEqualTo("CN=second.example.test");

        out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).startsWith("c OK");
        assertThat(server.isAlive()).isTrue();
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /**
   * A reload while the server is still starting (it holds its data directory, by which {@code postamt
   * reload} finds it, but does not answer on its control socket yet): {@code kill -HUP} no longer meets the
   * JVM's own SIGHUP handling (which shut the server down), and {@code postamt reload} waits for the socket
   * and then reloads, printing what it did.
   */
  @Test
  void aReloadWhileTheServerStartsDoesNotStopIt() throws Exception {
    Path data = dir.resolve("data");
    Path cfg = ChildServer.config(dir, "smtp = \"127.0.0.1:" + freePort() + "\"");
    Process server = ChildServer.start(cfg);
    try {
      Instant end = Instant.now().plusSeconds(60);
      while (dev.postamt.config.DataDirLock.runningServer(data).isEmpty()) {
        if (!server.isAlive()) {
          throw new AssertionError("the server ended while starting: " + readLog(dir.resolve("stdout.log"))
              + readLog(dir.resolve("postamt.log")));
        }
        assertThat(Instant.now()).isBefore(end);
        Thread.sleep(5);
      }
      // where this JVM ignores SIGHUP (run under nohup) the server inherits that and no signal reaches it
      boolean hup = !hupIgnoredHere();
      if (hup) {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor()).isZero();
      }
      assertThat(ChildServer.cli("reload", "--config", cfg.toString()))
          .startsWith("reloaded by postamt serve (pid " + server.pid() + ")").contains("certificate reloaded");
      awaitLog("postamt ready");
      if (hup) {
        awaitLog("reload: not done, the server is still starting", "reload: certificate reloaded");
      }
      assertThat(server.isAlive()).as("still running after the reloads").isTrue();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** Whether this process ignores SIGHUP (bit 0 of SigIgn in /proc/self/status), as under nohup. */
  private static boolean hupIgnoredHere() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring(7).strip(), 16) & 1) != 0;
      }
    }
    return false;
  }

  /**
   * A server started under {@code nohup} ignores SIGHUP (the JVM keeps an ignored SIGHUP ignored):
   * {@code postamt reload} still reloads it, through the control socket, and prints what was reloaded;
   * the server's log says that {@code kill -HUP} will not.
   */
  @Test
  void underNohupTheReloadGoesThroughTheControlSocket() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/nohup")), "no /usr/bin/nohup here");
    Path cfg = ChildServer.config(dir, "smtp = \"127.0.0.1:" + freePort() + "\"");
    Process server = ChildServer.start(cfg, List.of("/usr/bin/nohup"), env -> {});
    try {
      awaitLog("postamt ready");
      assertThat(Files.readString(dir.resolve("postamt.log"))).contains("SIGHUP is ignored in this process");
      assertThat(ChildServer.cli("reload", "--config", cfg.toString())).startsWith("reloaded by postamt serve (pid " + server.pid() + ")")
          .contains("\n  certificate reloaded from ");
      awaitLog("reload: certificate reloaded");
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /**
   * logrotate's usual way: the log file renamed, then {@code postamt reload}: the server writes a new file
   * from then on (it reopens the file at every reload) instead of going on in the renamed one. A reload that
   * changes the level, the file staying the same, goes on logging; one with a broken config fails.
   */
  @Test
  void aReloadReopensTheLogFileThatLogrotateRenamed() throws Exception {
    Path cfg = ChildServer.config(dir, "smtp = \"127.0.0.1:" + freePort() + "\"");
    Process server = ChildServer.start(cfg);
    try {
      awaitLog("postamt ready");
      Path log = dir.resolve("postamt.log");
      Files.move(log, dir.resolve("postamt.log.1"));
      assertThat(ChildServer.cli("reload", "--config", cfg.toString())).contains("\n  log file reopened: " + log);
      awaitLog("reload: log file reopened");
      assertThat(Files.readString(dir.resolve("postamt.log.1"))).contains("postamt ready").doesNotContain("reload:");
      // and with the level changed as well (the same file, a new appender: the log went silent once)
      Files.writeString(cfg, Files.readString(cfg) + "level = \"debug\"\n");
      assertThat(ChildServer.cli("reload", "--config", cfg.toString())).contains("log changed: applied");
      awaitLog("reload: log changed: applied");

      // a config with errors: nothing is reloaded and the command fails, saying why (as postfix reload does)
      Files.writeString(cfg, Files.readString(cfg) + "[limits]\nrecipients = 0\n");
      dev.postamt.testing.CliRun refused = dev.postamt.testing.CliRun.of("reload", "--config", cfg.toString());
      assertThat(refused.status()).isNotZero();
      assertThat(refused.err()).isEqualTo("postamt: config: limits.recipients: must be between 1 and 100000, got 0"
          + System.lineSeparator());
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void aBrokenConfigIsRefusedAndOtherChangesAreNamed() throws Exception {
    try (var t = dev.postamt.testing.TestServer.start(dir)) {
      Path cfg = dir.resolve("postamt.toml");
      String good = Files.readString(cfg);
      Files.writeString(cfg, good + "[limits]\nrecipients = 0\n");
      assertThat(t.server.reload())
          .containsExactly(
              "config has errors, the running configuration stays: limits.recipients: must be between 1 and 100000, got 0");
      // asked through the control socket, the refusal is an error (postamt reload fails with it)
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.postamt.admin.Admin(t.config).server().reload())
          .hasMessage("config has errors, the running configuration stays: limits.recipients: must be between 1 and 100000, got 0");
      Files.writeString(cfg, good + "[limits]\nrecipients = 50\n");
      assertThat(t.server.reload())
          .containsExactly(
              "certificate reloaded from " + t.config.dataDir().resolve("tls/selfsigned.crt"),
              "limits changed: applied (sessions already open keep the settings they started with)");
      Files.writeString(cfg, good.replace("hostname = ", "hostname = \"other.example.test\"\n#") + "[limits]\nrecipients = 50\n");
      assertThat(t.server.reload()).contains("hostname changed: takes effect at the next restart");
    }
  }

  /** A changed limit reaches the sessions that start after the reload; an open one keeps its own. */
  @Test
  void aReloadedLimitAppliesToNewSessionsWhileAnOpenOneKeepsItsOwn() throws Exception {
    try (var t = dev.postamt.testing.TestServer.start(dir)) {
      Path cfg = dir.resolve("postamt.toml");
      Files.writeString(cfg, Files.readString(cfg) + "[limits]\nmessage_size = \"1M\"\n");
      assertThat(t.server.reload()).anyMatch(l -> l.startsWith("limits changed: applied"));
      int port = t.server.address("smtp").orElseThrow().getPort();
      try (Socket before = new Socket("127.0.0.1", port)) {
        String sizeBefore = ehloSize(before);
        Files.writeString(cfg, Files.readString(cfg).replace("message_size = \"1M\"", "message_size = \"2M\""));
        t.server.reload();
        try (Socket after = new Socket("127.0.0.1", port)) {
          assertThat(ehloSize(after)).isEqualTo("250-SIZE " + 2 * 1024 * 1024);
        }
        assertThat(sizeBefore).isEqualTo("250-SIZE " + 1024 * 1024);
        before.getOutputStream().write("EHLO again.test\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(sizeLine(new BufferedReader(new InputStreamReader(before.getInputStream(), StandardCharsets.US_ASCII))))
            .isEqualTo("250-SIZE " + 1024 * 1024);
      }
    }
  }

  private static String ehloSize(Socket s) throws IOException {
    s.setSoTimeout(20_000);
    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    assertThat(in.readLine()).startsWith("220");
    s.getOutputStream().write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
    return sizeLine(in);
  }

  private static String sizeLine(BufferedReader in) throws IOException {
    String size = null;
    String line;
    do {
      line = in.readLine();
      if (line.startsWith("250-SIZE") || line.startsWith("250 SIZE")) {
        size = line;
      }
    } while (line.startsWith("250-"));
    return size;
  }

  /** Waits for one of {@code texts} in the log (its lines are written within 0.1 s, see BufferedLog). */
  private void awaitLog(String... texts) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    Path log = dir.resolve("postamt.log");
    while (!(Files.exists(log) && java.util.Arrays.stream(texts).anyMatch(readLog(log)::contains))) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("no \"" + String.join("\" or \"", texts) + "\" in the log: "
            + (Files.exists(log) ? Files.readString(log) : "") + Files.readString(dir.resolve("stdout.log")));
      }
      Thread.sleep(20);
    }
  }

  private static String readLog(Path log) throws java.io.IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static String peerName(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  private static int freePort() throws IOException {
    return dev.postamt.testing.Ports.free();
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
