package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTest {
  @TempDir Path data;
  Directory dir;

  @BeforeEach
  void open() throws Exception {
    dir = Directory.open(data);
  }

  @AfterEach
  void close() {
    dir.close();
  }

  @Test
  void createsTheDatabaseInWalModeReadableByOwnerOnly() throws Exception {
    Path db = data.resolve("directory.db");
    assertThat(db).exists();
    dir.addDomain("example.test");
    assertThat(data.resolve("directory.db-wal")).exists();
    assertThat(Files.getPosixFilePermissions(db))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void domainsAreAddedListedAndRemovedNormalised() throws Exception {
    dir.addDomain(" Example.TEST. ");
    dir.addDomain("b.test");
    assertThat(dir.domains()).containsExactly("b.test", "example.test");
    assertThat(dir.isLocalDomain("EXAMPLE.test")).isTrue();
    assertThat(dir.isLocalDomain("other.test")).isFalse();
    assertThat(dir.isLocalDomain("not a domain")).isFalse();
    assertThatThrownBy(() -> dir.addDomain("example.test")).hasMessage("domain example.test already exists");
    dir.removeDomain("example.test");
    assertThat(dir.domains()).containsExactly("b.test");
    assertThatThrownBy(() -> dir.removeDomain("example.test"))
        .hasMessageContaining("domain example.test is not a local domain");
  }

  @Test
  void internationalisedDomainsAreStoredAsALabel() throws Exception {
    dir.addDomain("bücher.test");
    assertThat(dir.domains()).containsExactly("xn--bcher-kva.test");
    assertThat(dir.isLocalDomain("BÜCHER.test")).isTrue();
  }

  @Test
  void badDomainNamesAreRefusedWithTheName() {
    for (String bad : List.of("", "a..b", "-a.test", "a_b.test", "10.0.0.1", "a.test/x", "x".repeat(64) + ".test")) {
      assertThatThrownBy(() -> dir.addDomain(bad)).isInstanceOf(DirectoryException.class);
    }
    assertThatThrownBy(() -> dir.addDomain("a_b.test")).hasMessage("\"a_b.test\" is not a domain name: '_' is not allowed (only letters, digits and hyphens)");
  }

  @Test
  void usersNeedALocalDomainAndAreUnique() throws Exception {
    assertThatThrownBy(() -> dir.addUser("a@b.test", "pw".toCharArray()))
        .hasMessage("domain b.test is not a local domain; add it first with 'postamt domain add b.test'");
    dir.addDomain("b.test");
    dir.addUser(" A@B.Test ", "pw".toCharArray());
    assertThat(dir.users()).containsExactly("a@b.test");
    assertThat(dir.userExists("a@B.TEST")).isTrue();
    assertThat(dir.userExists("b@b.test")).isFalse();
    assertThatThrownBy(() -> dir.addUser("a@b.test", "x".toCharArray())).hasMessage("user a@b.test already exists");
    assertThatThrownBy(() -> dir.addUser("c@b.test", new char[0])).hasMessage("password must not be empty");
  }

  @Test
  void badAddressesAreRefusedClearly() throws Exception {
    dir.addDomain("b.test");
    assertThatThrownBy(() -> dir.addUser("ab.test", "x".toCharArray())).hasMessageContaining("has no @");
    assertThatThrownBy(() -> dir.addUser("a@@b.test", "x".toCharArray())).hasMessageContaining("more than one @");
    assertThatThrownBy(() -> dir.addUser("@b.test", "x".toCharArray())).hasMessageContaining("before @ is empty");
    assertThatThrownBy(() -> dir.addUser("a@", "x".toCharArray())).hasMessageContaining("domain must not be empty");
    assertThatThrownBy(() -> dir.addUser("a b@b.test", "x".toCharArray())).hasMessageContaining("U+0020");
    assertThatThrownBy(() -> dir.addUser("../x@b.test", "x".toCharArray())).isInstanceOf(DirectoryException.class);
    assertThatThrownBy(() -> dir.addUser("a.@b.test", "x".toCharArray())).hasMessageContaining("dots");
    assertThat(dir.users()).isEmpty();
  }

  @Test
  void authenticationIsCaseInsensitiveAndReturnsTheCanonicalAddress() throws Exception {
    dir.addDomain("b.test");
    dir.addUser("Alice@b.test", "correct horse".toCharArray());
    assertThat(dir.authenticate("ALICE@B.TEST", "correct horse".toCharArray())).contains("alice@b.test");
    assertThat(dir.authenticate(" alice@b.test ", "correct horse".toCharArray())).contains("alice@b.test");
    assertThat(dir.authenticate("alice@b.test", "Correct horse".toCharArray())).isEmpty();
    assertThat(dir.authenticate("alice", "correct horse".toCharArray())).isEmpty();
    assertThat(dir.authenticate("bob@b.test", "correct horse".toCharArray())).isEmpty();
    assertThat(dir.authenticate("alice@b.test", null)).isEmpty();
  }

  @Test
  void passwordChangeTakesEffectAndUnknownUsersAreReported() throws Exception {
    dir.addDomain("b.test");
    dir.addUser("a@b.test", "old".toCharArray());
    dir.setPassword("A@b.test", "new".toCharArray());
    assertThat(dir.authenticate("a@b.test", "old".toCharArray())).isEmpty();
    assertThat(dir.authenticate("a@b.test", "new".toCharArray())).contains("a@b.test");
    assertThatThrownBy(() -> dir.setPassword("x@b.test", "new".toCharArray())).hasMessage("user x@b.test does not exist");
    assertThatThrownBy(() -> dir.removeUser("x@b.test")).hasMessage("user x@b.test does not exist");
  }

  @Test
  void passwordsAreStoredAsArgon2idPhcStrings() throws Exception {
    dir.addDomain("b.test");
    dir.addUser("a@b.test", "secret".toCharArray());
    dir.close();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("directory.db"));
        var rs = c.createStatement().executeQuery("SELECT password FROM users")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1))
          .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}")
          .doesNotContain("secret");
    }
    dir = Directory.open(data);
  }

  @Test
  void usersCanBeImportedWithAnExistingArgon2idHashOnly() throws Exception {
    dir.addDomain("b.test");
    String phc = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
    dir.addUserWithHash("Moved@b.test", phc);
    assertThat(dir.authenticate("moved@b.test", "password".toCharArray())).contains("moved@b.test");
    assertThatThrownBy(() -> dir.addUserWithHash("md5@b.test", "{MD5}X03MO1qnZdYdgyfeuILPmQ=="))
        .hasMessageContaining("not an Argon2id PHC string");
    assertThatThrownBy(() -> dir.addUserWithHash("moved@b.test", phc)).hasMessage("user moved@b.test already exists");
    assertThatThrownBy(() -> dir.addUserWithHash("x@c.test", phc)).hasMessageContaining("not a local domain");
  }

  @Test
  void aWeakStoredHashIsUpgradedOnSuccessfulLogin() throws Exception {
    dir.addDomain("b.test");
    String weak = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
    dir.addUserWithHash("u@b.test", weak);
    assertThat(dir.authenticate("u@b.test", "password".toCharArray())).isPresent();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("directory.db"));
        var rs = c.createStatement().executeQuery("SELECT password FROM users")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }
    assertThat(dir.authenticate("u@b.test", "password".toCharArray())).isPresent();
  }

  @Test
  void aDomainWithUsersOrAliasesIsNotRemoved() throws Exception {
    dir.addDomain("b.test");
    dir.addUser("a@b.test", "x".toCharArray());
    assertThatThrownBy(() -> dir.removeDomain("b.test"))
        .hasMessage("domain b.test still has 1 user (a@b.test); remove them first with 'postamt user remove ADDRESS'");
    dir.removeUser("a@b.test");
    dir.addAlias("x@b.test", List.of("y@elsewhere.test"));
    assertThatThrownBy(() -> dir.removeDomain("b.test")).hasMessageContaining("still has 1 alias (x@b.test)");
    dir.removeAlias("x@b.test");
    dir.removeDomain("b.test");
    assertThat(dir.domains()).isEmpty();
  }

  @Test
  void aliasesAddTargetsInOrderWithoutDuplicates() throws Exception {
    dir.addDomain("b.test");
    dir.addAlias("List@b.test", List.of("x@b.test", "Y@Remote.test"));
    dir.addAlias("list@b.test", List.of("y@remote.test", "z@b.test"));
    assertThat(dir.aliasTargets("LIST@b.test")).containsExactly("x@b.test", "y@remote.test", "z@b.test");
    dir.removeAliasTargets("list@b.test", List.of("x@b.test"));
    assertThat(dir.exactAliasTargets("list@b.test")).containsExactly("y@remote.test", "z@b.test");
    assertThatThrownBy(() -> dir.removeAliasTargets("list@b.test", List.of("q@b.test")))
        .hasMessage("alias list@b.test has no target q@b.test");
    assertThatThrownBy(() -> dir.addAlias("a@nowhere.test", List.of("x@b.test")))
        .hasMessageContaining("domain nowhere.test is not a local domain");
    assertThatThrownBy(() -> dir.addAlias("a@b.test", List.of())).hasMessage("alias a@b.test needs at least one target");
    assertThatThrownBy(() -> dir.addAlias("a@b.test", List.of("not an address"))).hasMessageContaining("no @");
    assertThatThrownBy(() -> dir.removeAlias("nope@b.test")).hasMessage("alias nope@b.test does not exist");
  }

  @Test
  void catchAllAnswersOnlyWhenNoExactAliasExists() throws Exception {
    dir.addDomain("b.test");
    dir.addAlias("@B.test", List.of("admin@b.test"));
    dir.addAlias("sales@b.test", List.of("bob@b.test"));
    assertThat(dir.aliasTargets("sales@b.test")).containsExactly("bob@b.test");
    assertThat(dir.aliasTargets("anything@b.test")).containsExactly("admin@b.test");
    assertThat(dir.exactAliasTargets("anything@b.test")).isEmpty();
    assertThat(dir.catchAllTargets("B.TEST")).containsExactly("admin@b.test");
    assertThat(dir.aliasTargets("x@other.test")).isEmpty();
    assertThat(dir.aliases())
        .isEqualTo(Map.of("@b.test", List.of("admin@b.test"), "sales@b.test", List.of("bob@b.test")));
    assertThat(dir.aliases().keySet()).containsExactly("@b.test", "sales@b.test");
  }

  @Test
  void changesByAnotherProcessAreSeenAtOnce() throws Exception {
    // The CLI and a running server each hold their own connection to the same file.
    try (Directory cli = Directory.open(data)) {
      cli.addDomain("b.test");
      assertThat(dir.isLocalDomain("b.test")).isTrue();
      cli.addUser("a@b.test", "pw".toCharArray());
      assertThat(dir.authenticate("a@b.test", "pw".toCharArray())).contains("a@b.test");
      cli.addAlias("x@b.test", List.of("a@b.test"));
      assertThat(dir.aliasTargets("x@b.test")).containsExactly("a@b.test");
      dir.removeAlias("x@b.test");
      assertThat(cli.aliases()).isEmpty();
    }
  }

  @Test
  void concurrentWritersFromTwoConnectionsDoNotFail() throws Exception {
    try (Directory other = Directory.open(data)) {
      dir.addDomain("b.test");
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            other.addAlias("o" + i + "@b.test", List.of("x@r.test"));
          }
        } catch (DirectoryException e) {
          throw new AssertionError(e);
        }
      });
      for (int i = 0; i < 50; i++) {
        dir.addAlias("d" + i + "@b.test", List.of("x@r.test"));
      }
      t.join();
      assertThat(dir.aliases()).hasSize(100);
    }
  }

  @Test
  void reopeningKeepsTheData() throws Exception {
    dir.addDomain("b.test");
    dir.close();
    dir = Directory.open(data);
    assertThat(dir.domains()).containsExactly("b.test");
  }
}
