package dev.postamt.managesieve;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.testing.ScramUsers;
import dev.postamt.testing.ServerFixture;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A ManageSieve service on 127.0.0.1 port 0 over the real {@code net.Listener} with STARTTLS, scripts in
 * a temp {@code sieve.db}, logins against the real directory of {@link ScramUsers} ({@code
 * alice@example.test}/{@code pencil} with SCRAM credentials, {@code carol@example.test}/{@code crayon}).
 * By default connections from loopback must use TLS too, so the tests see the production rule for
 * remote clients.
 */
final class ManageSieveTestServer extends ServerFixture {
  static final String ALICE = "alice@example.test";
  static final String PASSWORD = "pencil";

  private ManageSieveSettings settings = ManageSieveSettings.defaults("sieve.example.test")
      .withLoopbackIsSecure(false).withAuthFailureDelay(Duration.ZERO);
  private SieveScripts.Limits limits = SieveScripts.Limits.DEFAULTS;
  private AuthThrottle throttle = new AuthThrottle(1000, Duration.ofMinutes(15));
  Directory directory;
  SqliteSieveScripts scripts;
  Listener listener;

  static ManageSieveTestServer create() {
    return new ManageSieveTestServer();
  }

  ManageSieveTestServer settings(java.util.function.UnaryOperator<ManageSieveSettings> change) {
    settings = change.apply(settings);
    return this;
  }

  ManageSieveTestServer limits(SieveScripts.Limits l) {
    limits = l;
    return this;
  }

  ManageSieveTestServer throttle(AuthThrottle t) {
    throttle = t;
    return this;
  }

  @Override
  protected void startIn(Path dir) throws Exception {
    directory = ScramUsers.open(dir);
    scripts = SqliteSieveScripts.open(dir.resolve("data"), limits);
    ManageSieveServer server = new ManageSieveServer(scripts, directory, settings, throttle);
    listener = Listener.open("managesieve", new InetSocketAddress("127.0.0.1", 0), sharedTls(), false,
        Duration.ofMinutes(1), 100, server);
  }

  int port() {
    return listener.localAddress().getPort();
  }

  /** Connected, greeting read. */
  SieveClient connect() throws Exception {
    SieveClient c = closeAfter(SieveClient.connect(port()));
    c.capabilities();
    return c;
  }

  /** Connected, TLS started, logged in as alice. */
  SieveClient login() throws Exception {
    SieveClient c = connect().startTls();
    String ok = c.plain(ALICE, PASSWORD);
    if (!ok.startsWith("OK")) {
      throw new AssertionError("login failed: " + ok);
    }
    return c;
  }

  private static TlsContext sharedTls;

  /** One self-signed certificate for all tests of this JVM: key generation is slow on a busy box. */
  static synchronized TlsContext sharedTls() throws Exception {
    if (sharedTls == null) {
      Path d = Files.createTempDirectory("managesieve-tls");
      Path cfg = d.resolve("postamt.toml");
      Files.writeString(cfg, "hostname = \"sieve.example.test\"\ndata_dir = \"data\"\n");
      sharedTls = TlsContext.fromConfig(Config.load(cfg, true));
      deleteTree(d);
    }
    return sharedTls;
  }

  @Override
  protected void stop() {
    if (listener != null) {
      listener.close();
    }
    if (scripts != null) {
      scripts.close();
    }
    if (directory != null) {
      directory.close();
    }
  }
}
