package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the directory does on every backend: domains, users, passwords, aliases, quotas. A backend's test
 * implements this and says how to open the directory kept under {@code data} (opening the same {@code data}
 * again reaches the same directory, as a second process or node would); see {@link DirectoryTest} (SQLite)
 * and {@link PgDirectoryTest}. Account security and masked addresses are in {@link DirectorySecurityContract}.
 */
public interface DirectoryContract {
  /** The directory kept under {@code data}, empty the first time. */
  Directory open(Path data) throws Exception;

  /** The password string stored for {@code address}, read from the database behind the directory's back. */
  String storedPassword(Path data, String address) throws Exception;

  @Test
  default void domainsAreAddedListedAndRemovedNormalised(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
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
  }

  @Test
  default void internationalisedDomainsAreStoredAsALabel(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("bücher.test");
      assertThat(dir.domains()).containsExactly("xn--bcher-kva.test");
      assertThat(dir.isLocalDomain("BÜCHER.test")).isTrue();
    }
  }

  @Test
  default void badDomainNamesAreRefusedWithTheName(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      for (String bad : List.of("", "a..b", "-a.test", "a_b.test", "10.0.0.1", "a.test/x", "x".repeat(64) + ".test")) {
        assertThatThrownBy(() -> dir.addDomain(bad)).isInstanceOf(DirectoryException.class);
      }
      assertThatThrownBy(() -> dir.addDomain("a_b.test"))
          .hasMessage("\"a_b.test\" is not a domain name: '_' is not allowed (only letters, digits and hyphens)");
      assertThat(dir.domains()).isEmpty();
    }
  }

  @Test
  default void usersNeedALocalDomainAndAreUnique(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
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
  }

  @Test
  default void usersAreListedByDomainThenAddress(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      dir.addDomain("a.test");
      for (String u : List.of("zed@a.test", "Bob@b.test", "al.ice@b.test", "al-ice@b.test", "alice@a.test", "a@a.test", "a1@a.test")) {
        dir.addUserWithHash(u, PasswordHash.hash("x".toCharArray()));
      }
      // byte order, as SQLite compares: '-' (0x2d) before '.' (0x2e) before digits before '@' (0x40) before letters
      assertThat(dir.users()).containsExactly(
          "a1@a.test", "a@a.test", "alice@a.test", "zed@a.test", "al-ice@b.test", "al.ice@b.test", "bob@b.test");
    }
  }

  @Test
  default void badAddressesAreRefusedClearly(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
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
  }

  @Test
  default void authenticationIsCaseInsensitiveAndReturnsTheCanonicalAddress(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      dir.addUser("Alice@b.test", "correct horse".toCharArray());
      assertThat(dir.authenticate("ALICE@B.TEST", "correct horse".toCharArray())).contains("alice@b.test");
      assertThat(dir.authenticate(" alice@b.test ", "correct horse".toCharArray())).contains("alice@b.test");
      assertThat(dir.authenticate("alice@b.test", "Correct horse".toCharArray())).isEmpty();
      assertThat(dir.authenticate("alice", "correct horse".toCharArray())).isEmpty();
      assertThat(dir.authenticate("bob@b.test", "correct horse".toCharArray())).isEmpty();
      assertThat(dir.authenticate("alice@b.test", null)).isEmpty();
      assertThat(dir.scramCredentials("ALICE@b.test")).as("derived when the user was added").isPresent();
    }
  }

  @Test
  default void passwordChangeTakesEffectAndUnknownUsersAreReported(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      dir.addUser("a@b.test", "old".toCharArray());
      dir.setPassword("A@b.test", "new".toCharArray());
      assertThat(dir.authenticate("a@b.test", "old".toCharArray())).isEmpty();
      assertThat(dir.authenticate("a@b.test", "new".toCharArray())).contains("a@b.test");
      assertThatThrownBy(() -> dir.setPassword("x@b.test", "new".toCharArray())).hasMessage("user x@b.test does not exist");
      assertThatThrownBy(() -> dir.removeUser("x@b.test")).hasMessage("user x@b.test does not exist");
      dir.removeUser("a@b.test");
      assertThat(dir.authenticate("a@b.test", "new".toCharArray())).isEmpty();
    }
  }

  @Test
  default void passwordsAreStoredAsArgon2idPhcStrings(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      dir.addUser("a@b.test", "secret".toCharArray());
    }
    assertThat(storedPassword(data, "a@b.test"))
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}")
        .doesNotContain("secret");
  }

  @Test
  default void usersCanBeImportedWithAnExistingArgon2idHashOnly(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      String phc = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
      dir.addUserWithHash("Moved@b.test", phc);
      assertThat(dir.scramCredentials("moved@b.test")).as("no SCRAM before the first plain login").isEmpty();
      assertThat(dir.authenticate("moved@b.test", "password".toCharArray())).contains("moved@b.test");
      assertThat(dir.scramCredentials("moved@b.test")).as("derived at the first plain login").isPresent();
      assertThatThrownBy(() -> dir.addUserWithHash("md5@b.test", "{MD5}X03MO1qnZdYdgyfeuILPmQ=="))
          .hasMessageContaining("not an Argon2id PHC string");
      assertThatThrownBy(() -> dir.addUserWithHash("moved@b.test", phc)).hasMessage("user moved@b.test already exists");
      assertThatThrownBy(() -> dir.addUserWithHash("x@c.test", phc)).hasMessageContaining("not a local domain");
    }
  }

  @Test
  default void aWeakStoredHashIsUpgradedOnSuccessfulLogin(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      String weak = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
      dir.addUserWithHash("u@b.test", weak);
      assertThat(dir.authenticate("u@b.test", "password".toCharArray())).isPresent();
      assertThat(storedPassword(data, "u@b.test")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
      assertThat(dir.authenticate("u@b.test", "password".toCharArray())).isPresent();
    }
  }

  @Test
  default void quotasAreStoredPerUserWithTheConfigDefaultAsEmpty(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("example.test");
      assertThat(dir.quota("nobody@example.test")).isEmpty();
      assertThatThrownBy(() -> dir.setStorageQuota("nobody@example.test", OptionalLong.of(1)))
          .isInstanceOf(DirectoryException.class).hasMessage("user nobody@example.test does not exist");
      dir.addUserWithHash("a@example.test", PasswordHash.hash("x".toCharArray()));
      assertThat(dir.quota("a@example.test")).contains(Directory.UserQuota.DEFAULT);
      assertThatThrownBy(() -> dir.setMessageQuota("a@example.test", OptionalLong.of(-1)))
          .hasMessage("message quota must not be negative");
      long fiftyGigabytes = 50L << 30; // more than 32 bits hold
      dir.setStorageQuota("A@example.test", OptionalLong.of(fiftyGigabytes));
      dir.setMessageQuota("a@example.test", OptionalLong.of(0));
      assertThat(dir.quota("a@example.test"))
          .contains(new Directory.UserQuota(OptionalLong.of(fiftyGigabytes), OptionalLong.of(0)));
      dir.setStorageQuota("a@example.test", OptionalLong.empty());
      assertThat(dir.quota("a@example.test")).contains(new Directory.UserQuota(OptionalLong.empty(), OptionalLong.of(0)));
    }
  }

  @Test
  default void aDomainWithUsersOrAliasesIsNotRemoved(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
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
  }

  @Test
  default void aliasesAddTargetsInOrderWithoutDuplicates(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
      dir.addAlias("List@b.test", List.of("x@b.test", "Y@Remote.test"));
      dir.addAlias("list@b.test", List.of("y@remote.test", "z@b.test"));
      assertThat(dir.aliasTargets("LIST@b.test")).containsExactly("x@b.test", "y@remote.test", "z@b.test");
      dir.removeAliasTargets("list@b.test", List.of("x@b.test"));
      assertThat(dir.exactAliasTargets("list@b.test")).containsExactly("y@remote.test", "z@b.test");
      dir.addAlias("list@b.test", List.of("a@b.test"));
      assertThat(dir.exactAliasTargets("list@b.test")).as("a new target goes last").containsExactly(
          "y@remote.test", "z@b.test", "a@b.test");
      assertThatThrownBy(() -> dir.removeAliasTargets("list@b.test", List.of("q@b.test")))
          .hasMessage("alias list@b.test has no target q@b.test");
      assertThatThrownBy(() -> dir.addAlias("a@nowhere.test", List.of("x@b.test")))
          .hasMessageContaining("domain nowhere.test is not a local domain");
      assertThatThrownBy(() -> dir.addAlias("a@b.test", List.of())).hasMessage("alias a@b.test needs at least one target");
      assertThatThrownBy(() -> dir.addAlias("a@b.test", List.of("not an address"))).hasMessageContaining("no @");
      assertThatThrownBy(() -> dir.removeAlias("nope@b.test")).hasMessage("alias nope@b.test does not exist");
    }
  }

  @Test
  default void catchAllAnswersOnlyWhenNoExactAliasExists(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
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
      assertThat(dir.aliases().keySet()).as("catch-alls first in their domain").containsExactly("@b.test", "sales@b.test");
    }
  }

  @Test
  default void changesByAnotherProcessAreSeenAtOnce(@TempDir Path data) throws Exception {
    // The CLI and a running server (or two nodes) each hold their own connections.
    try (Directory dir = open(data); Directory cli = open(data)) {
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
  default void concurrentWritersDoNotFail(@TempDir Path data) throws Exception {
    try (Directory dir = open(data); Directory other = open(data)) {
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
  default void reopeningKeepsTheData(@TempDir Path data) throws Exception {
    try (Directory dir = open(data)) {
      dir.addDomain("b.test");
    }
    try (Directory dir = open(data)) {
      assertThat(dir.domains()).containsExactly("b.test");
    }
  }
}
