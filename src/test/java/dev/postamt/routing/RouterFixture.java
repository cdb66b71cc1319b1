package dev.postamt.routing;

import dev.postamt.directory.Directory;
import dev.postamt.config.Config;
import dev.postamt.store.MailboxLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A data dir with a directory and a config file for router tests; one per test, so tests run in parallel. */
final class RouterFixture implements AutoCloseable {
  final Path root;
  final Path data;
  final Path aliases;
  final Directory dir;
  private final boolean forwardCommands;

  RouterFixture(Path root, boolean forwardCommands) throws Exception {
    this.root = root;
    this.data = root.resolve("data");
    this.aliases = root.resolve("aliases");
    this.forwardCommands = forwardCommands;
    this.dir = Directory.open(data);
  }

  Config config() throws Exception {
    Path toml = root.resolve("postamt.toml");
    Files.writeString(
        toml,
        """
        hostname = "mx.a.test"
        data_dir = "%s"
        aliases_file = "%s"
        [listen]
        [delivery]
        allow_forward_commands = %s
        """
            .formatted(data, aliases, forwardCommands));
    return Config.load(toml, true);
  }

  Router router() throws Exception {
    return new Router(dir, config());
  }

  /** One real hash for all fixture users: Argon2 at full cost per user would dominate the test time. */
  private static final String PW_HASH = dev.postamt.directory.PasswordHash.hash("pw".toCharArray());

  void users(String... addresses) throws Exception {
    for (String a : addresses) {
      dir.addUserWithHash(a, PW_HASH);
    }
  }

  void alias(String address, String... targets) throws Exception {
    dir.addAlias(address, List.of(targets));
  }

  void forward(String user, String text) throws IOException {
    Path home = MailboxLayout.home(data, user);
    Files.createDirectories(home);
    Files.writeString(home.resolve(".forward"), text);
  }

  void aliasesFile(String text) throws IOException {
    Files.writeString(aliases, text);
    // Reload is keyed on mtime and size; move the mtime on so that a rewrite within one tick counts too.
    Files.setLastModifiedTime(aliases, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + (long) (Math.random() * 1e6)));
  }

  static Destination.Mailbox mbox(String user) {
    return new Destination.Mailbox(user);
  }

  static Destination.Remote remote(String address) {
    return new Destination.Remote(address);
  }

  @Override
  public void close() {
    dir.close();
  }
}
