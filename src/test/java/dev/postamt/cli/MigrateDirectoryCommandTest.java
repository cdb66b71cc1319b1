package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Directory;
import dev.postamt.directory.Masks;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt migrate --to postgresql://…} copies the directory (domains, users with their passwords,
 * aliases, masks, app passwords, domain administrators) with counts verified; {@code --from} copies it
 * back; and two nodes configured with the same {@code [database] url} share one directory through the CLI.
 */
class MigrateDirectoryCommandTest {
  @TempDir Path dir;

  private CliFixture.Result run(Path config, String... args) {
    return CliFixture.runWith(config, args);
  }

  private Path config(String name, String extra) throws Exception {
    return CliFixture.installation(dir, name, "[listen]\n" + extra);
  }

  private static String freshUrl() {
    PgCluster pg = PgCluster.get();
    return pg.url(pg.freshDatabase().postgres().orElseThrow().database());
  }

  @Test
  void copiesTheDirectoryIntoPostgresAndBack() throws Exception {
    String url = freshUrl();
    Path a = config("a", "");
    long fiftyGigabytes = 50L << 30;
    String mask;
    String appSecret;
    try (Directory d = Directory.open(dir.resolve("a/data"))) {
      d.addDomain("example.test");
      d.addDomain("other.test");
      d.addUser("alice@example.test", "alice pw".toCharArray());
      d.addUser("bob@other.test", "bob pw".toCharArray());
      d.setStorageQuota("alice@example.test", OptionalLong.of(fiftyGigabytes));
      d.addAlias("team@example.test", List.of("alice@example.test", "bob@other.test"));
      d.addAlias("@other.test", List.of("bob@other.test"));
      d.security().addDomainAdmin("bob@other.test", "other.test");
      d.security().setTotpSecret("alice@example.test", "JBSWY3DPEHPK3PXP");
      appSecret = d.security().addAppPassword("alice@example.test", "phone").secret();
      mask = d.masks().create("alice@example.test", "shop").address();
    }

    CliFixture.Result to = run(a, "migrate", "--to", url);
    assertThat(to.status()).as(to.err()).isZero();
    assertThat(to.out()).containsPattern("directory: domains +2 rows +2 copied +ok")
        .containsPattern("directory: users +2 rows +2 copied +ok")
        .containsPattern("directory: aliases +3 rows +3 copied +ok")
        .containsPattern("directory: domain_admins +1 rows +1 copied +ok")
        .containsPattern("directory: app_passwords +1 rows +1 copied +ok")
        .containsPattern("directory: masks +1 rows +1 copied +ok")
        .doesNotContain("MISMATCH").contains("counts verified");

    PgDatabase pg = PgDatabase.of(dev.postamt.config.Database.Postgres.parse(url), 2);
    try (Directory d = Directory.open(pg)) {
      assertThat(d.domains()).containsExactly("example.test", "other.test");
      assertThat(d.authenticate("alice@example.test", "alice pw".toCharArray())).contains("alice@example.test");
      assertThat(d.authenticate("alice@example.test", appSecret.toCharArray())).contains("alice@example.test");
      assertThat(d.scramLogin("bob@other.test")).isPresent();
      assertThat(d.quota("alice@example.test").orElseThrow().storageBytes()).hasValue(fiftyGigabytes);
      assertThat(d.aliases()).isEqualTo(Map.of("team@example.test", List.of("alice@example.test", "bob@other.test"),
          "@other.test", List.of("bob@other.test")));
      assertThat(d.aliasTargets("anyone@other.test")).containsExactly("bob@other.test");
      assertThat(d.security().roles("bob@other.test")).isEqualTo(new AccountSecurity.Roles(false, java.util.Set.of("other.test")));
      assertThat(d.security().totpSecret("alice@example.test")).contains("JBSWY3DPEHPK3PXP");
      assertThat(d.masks().lookup(mask)).map(Masks.Mask::owner).contains("alice@example.test");
      d.addUser("carol@example.test", "carol pw".toCharArray()); // the copy is a working directory
    } finally {
      pg.close();
    }

    CliFixture.Result again = run(a, "migrate", "--to", url);
    assertThat(again.status()).isNotZero();
    assertThat(again.err().strip()).contains("already has").contains("copy into an empty one").doesNotContain("Exception");

    Path b = config("b", "");
    CliFixture.Result from = run(b, "migrate", "--from", url);
    assertThat(from.status()).as(from.err()).isZero();
    assertThat(from.out()).containsPattern("directory: users +3 rows +3 copied +ok");
    try (Directory d = Directory.open(dir.resolve("b/data"))) {
      assertThat(d.users()).containsExactly("alice@example.test", "carol@example.test", "bob@other.test");
      assertThat(d.authenticate("carol@example.test", "carol pw".toCharArray())).contains("carol@example.test");
      assertThat(d.masks().lookup(mask)).isPresent();
      assertThat(d.catchAllTargets("other.test")).containsExactly("bob@other.test");
      assertThat(d.quota("alice@example.test").orElseThrow().storageBytes()).as("64 bits there and back").hasValue(fiftyGigabytes);
    }
  }

  @Test
  void twoNodesWithOneDatabaseUrlShareTheDirectory() throws Exception {
    String url = freshUrl();
    Path node1 = config("n1", "[database]\nurl = \"" + url + "\"\n");
    Path node2 = config("n2", "[database]\nurl = \"" + url + "\"\n");
    assertThat(run(node1, "domain", "add", "example.test").status()).isZero();
    CliFixture.Result add = run(node1, "user", "add", "alice@example.test", "--password", "correct horse battery");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(run(node1, "alias", "add", "info@example.test", "alice@example.test").status()).isZero();

    assertThat(run(node2, "domain", "list").out()).contains("example.test");
    assertThat(run(node2, "user", "list").out()).contains("alice@example.test");
    assertThat(run(node2, "alias", "list").out()).contains("info@example.test").contains("alice@example.test");
    CliFixture.Result twice = run(node2, "user", "add", "alice@example.test", "--password", "x");
    assertThat(twice.status()).isNotZero();
    assertThat(twice.err().strip()).contains("user alice@example.test already exists").doesNotContain("\n");
    assertThat(run(node2, "user", "remove", "alice@example.test").status()).isZero();
    assertThat(run(node1, "user", "list").out()).doesNotContain("alice@example.test");

    assertThat(Files.exists(dir.resolve("n1/data/directory.db"))).as("nothing in SQLite on a PostgreSQL node").isFalse();
    assertThat(Files.exists(dir.resolve("n2/data/directory.db"))).isFalse();
  }
}
