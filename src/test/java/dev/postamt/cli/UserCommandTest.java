package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

class UserCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "b.test");
  }

  private boolean authenticates(String user, String password) throws Exception {
    try (Directory dir = Directory.open(cli.data)) {
      return dir.authenticate(user, password.toCharArray()).isPresent();
    }
  }

  @Test
  void addCreatesTheUserAndAMaildir() throws Exception {
    CliFixture.Result r = cli.ok("user", "add", "Alice@B.test", "--password", "s3cret");
    Path maildir = cli.data.resolve("mail/b.test/alice/Maildir");
    assertThat(r.out()).isEqualTo("added user alice@b.test (mail in " + maildir + ")\n");
    assertThat(maildir.resolve("cur")).isDirectory();
    assertThat(maildir.resolve("new")).isDirectory();
    assertThat(maildir.resolve("tmp")).isDirectory();
    assertThat(cli.ok("user", "list").lines()).containsExactly("alice@b.test");
    assertThat(authenticates("alice@b.test", "s3cret")).isTrue();
  }

  @Test
  void addRefusesDuplicatesForeignDomainsAndMissingPasswords() {
    cli.ok("user", "add", "a@b.test", "--password", "x");
    CliFixture.Result dup = cli.run("user", "add", "A@b.test", "--password", "y");
    assertThat(dup.status()).isEqualTo(1);
    assertThat(dup.err()).isEqualTo("postamt: user a@b.test already exists\n");

    CliFixture.Result foreign = cli.run("user", "add", "a@c.test", "--password", "y");
    assertThat(foreign.err())
        .isEqualTo("postamt: domain c.test is not a local domain; add it first with 'postamt domain add c.test'\n");
    assertThat(cli.data.resolve("mail/c.test")).doesNotExist();

    CliFixture.Result nopw = cli.run("user", "add", "n@b.test");
    assertThat(nopw.status()).isNotZero();
    assertThat(nopw.err()).contains("--password");
    assertThat(cli.ok("user", "list").lines()).containsExactly("a@b.test");
  }

  @Test
  void passwdChangesThePassword() throws Exception {
    cli.ok("user", "add", "a@b.test", "--password", "old");
    assertThat(cli.ok("user", "passwd", "A@B.TEST", "--password", "new").out())
        .isEqualTo("changed password of a@b.test\n");
    assertThat(authenticates("a@b.test", "new")).isTrue();
    assertThat(authenticates("a@b.test", "old")).isFalse();
    CliFixture.Result r = cli.run("user", "passwd", "x@b.test", "--password", "new");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("postamt: user x@b.test does not exist\n");
  }

  @Test
  void removeKeepsTheMailOnDisk() {
    cli.ok("user", "add", "a@b.test", "--password", "x");
    CliFixture.Result r = cli.ok("user", "remove", "a@b.test");
    assertThat(r.out()).startsWith("removed user a@b.test (mail kept in ");
    assertThat(cli.ok("user", "list").lines()).isEmpty();
    assertThat(cli.data.resolve("mail/b.test/a/Maildir/new")).isDirectory();
    assertThat(cli.run("user", "remove", "a@b.test").err()).isEqualTo("postamt: user a@b.test does not exist\n");
  }

  @Test
  @ResourceLock("java.lang.System.in")
  void passwordDashReadsStandardInput() throws Exception {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream("from stdin\nignored\n".getBytes(StandardCharsets.UTF_8)));
      cli.ok("user", "add", "a@b.test", "--password", "-");
    } finally {
      System.setIn(saved);
    }
    assertThat(authenticates("a@b.test", "from stdin")).isTrue();
  }
}
