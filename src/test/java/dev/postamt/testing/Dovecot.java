package dev.postamt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Dovecot (dovecot-imapd, dovecot-pop3d) started in a temp directory with its own config,
 * passwd file and Maildir, serving IMAP, IMAPS, POP3 and POP3S on loopback ephemeral ports with a
 * self-signed certificate made by {@code openssl}. {@link #start} skips the test (an assumption) when
 * Dovecot or openssl is not installed. Test mail is put straight into the Maildir's {@code new/}.
 */
public final class Dovecot implements AutoCloseable {
  private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

  public final String login;
  public final String password;
  public final int imap;
  public final int imaps;
  public final int pop3;
  public final int pop3s;
  private final Path dir;
  private final Path conf;
  private final Path maildir;
  private final String owner;
  private int written;

  private Dovecot(Path dir, Path conf, Path maildir, String owner, String login, String password, int[] ports) {
    this.dir = dir;
    this.conf = conf;
    this.maildir = maildir;
    this.owner = owner;
    this.login = login;
    this.password = password;
    this.imap = ports[0];
    this.imaps = ports[1];
    this.pop3 = ports[2];
    this.pop3s = ports[3];
  }

  /** Starts Dovecot under {@code tmp} with one user {@code login} / {@code password}. */
  public static Dovecot start(Path tmp, String login, String password) throws Exception {
    assumeThat(Files.isExecutable(DOVECOT) && Files.isExecutable(Path.of("/usr/lib/dovecot/imap"))
        && Files.isExecutable(Path.of("/usr/lib/dovecot/pop3")))
        .as("Debian's dovecot-imapd and dovecot-pop3d are not installed").isTrue();
    assumeThat(Stream.of("/usr/bin/openssl", "/bin/openssl").anyMatch(p -> Files.isExecutable(Path.of(p))))
        .as("openssl is not installed (needed for Dovecot's test certificate)").isTrue();
    Path d = tmp.resolve("dovecot");
    Files.createDirectories(d.resolve("run"));
    Files.createDirectories(d.resolve("state"));
    Path home = d.resolve("mail").resolve(login);
    Path maildir = home.resolve("Maildir");
    for (String sub : List.of("new", "cur", "tmp")) {
      Files.createDirectories(maildir.resolve(sub));
    }
    // Dovecot's own users must be able to reach the config, the passwd file and the mail.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-keyout", d.resolve("key.pem").toString(), "-out", d.resolve("cert.pem").toString());
    int[] ports = new int[4];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = Ports.free();
    }
    boolean root = ((Integer) Files.getAttribute(tmp, "unix:uid")) == 0;
    String uid;
    String gid;
    String asUser = "";
    if (root) {
      uid = run("id", "-u", "nobody");
      gid = run("id", "-g", "nobody");
    } else {
      uid = run("id", "-u");
      gid = run("id", "-g");
      String me = run("id", "-un");
      asUser = "default_internal_user = " + me + "\ndefault_login_user = " + me + "\nservice anvil {\n  chroot =\n}\n";
    }
    Path conf = d.resolve("dovecot.conf");
    String chroot = root ? "" : "chroot =";
    Files.writeString(conf, """
        base_dir = %1$s/run
        state_dir = %1$s/state
        instance_name = postamt-collect-%2$d
        listen = 127.0.0.1
        protocols = imap pop3
        ssl = yes
        ssl_cert = <%1$s/cert.pem
        ssl_key = <%1$s/key.pem
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        log_path = %1$s/dovecot.log
        mail_location = maildir:%1$s/mail/%%u/Maildir
        first_valid_uid = 0
        passdb {
          driver = passwd-file
          args = username_format=%%u %1$s/passwd
        }
        userdb {
          driver = passwd-file
          args = username_format=%%u %1$s/passwd
        }
        service imap-login {
          %6$s
          inet_listener imap {
            address = 127.0.0.1
            port = %2$d
          }
          inet_listener imaps {
            address = 127.0.0.1
            port = %3$d
            ssl = yes
          }
        }
        service pop3-login {
          %6$s
          inet_listener pop3 {
            address = 127.0.0.1
            port = %4$d
          }
          inet_listener pop3s {
            address = 127.0.0.1
            port = %5$d
            ssl = yes
          }
        }
        %7$s
        """.formatted(d, ports[0], ports[1], ports[2], ports[3], chroot, asUser));
    Files.writeString(d.resolve("passwd"), login + ":{PLAIN}" + password + ":" + uid + ":" + gid + "::" + home + "\n");
    String owner = uid + ":" + gid;
    if (root) {
      run("chown", "-R", owner, d.resolve("mail").toString());
    }
    // Dovecot daemonizes and its children keep stdout open: its output goes to a file, not a pipe.
    Path out = d.resolve("start.out");
    Process p = new ProcessBuilder(DOVECOT.toString(), "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    Dovecot dc = new Dovecot(d, conf, maildir, root ? owner : null, login, password, ports);
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("dovecot: %s", Files.readString(out)).isTrue();
    for (int port : ports) {
      awaitPort(port);
    }
    return dc;
  }

  private static void awaitPort(int port) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        assertThat(Instant.now()).as("dovecot listening on %d", port).isBefore(end);
        Thread.sleep(50);
      }
    }
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    return out;
  }

  /** Puts a message into the remote INBOX (as a delivery would: into {@code new/}). */
  public void deliver(String message) throws Exception {
    Path tmp = maildir.resolve("tmp").resolve("t" + (++written) + ".postamt-test");
    Files.writeString(tmp, message, StandardCharsets.UTF_8);
    if (owner != null) {
      run("chown", owner, tmp.toString());
    }
    Files.move(tmp, maildir.resolve("new").resolve(System.currentTimeMillis() / 1000 + ".M" + written + ".test"));
  }

  /** How many messages the remote INBOX holds (files in {@code new/} and {@code cur/}). */
  public int inboxCount() throws IOException {
    int n = 0;
    for (String sub : List.of("new", "cur")) {
      try (Stream<Path> s = Files.list(maildir.resolve(sub))) {
        n += (int) s.count();
      }
    }
    return n;
  }

  /** Dovecot's log (for assertion messages). */
  public String log() {
    try {
      return Files.readString(dir.resolve("dovecot.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    Process p = new ProcessBuilder("doveadm", "-c", conf.toString(), "stop").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor(30, TimeUnit.SECONDS);
  }
}
