package dev.postamt.sieve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.sieve.store.SieveScripts.LastError;
import dev.postamt.sieve.store.SieveScripts.Limits;
import dev.postamt.sieve.store.SieveScripts.Script;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link SieveScripts} backend must do (RFC 5804 §1.1 semantics: named scripts, at most one
 * active). A backend's test implements this and says how to open an empty store; see {@link
 * SqliteSieveScriptsTest}.
 */
public interface SieveScriptsContract {
  String ALICE = "alice@example.test";
  String BOB = "bob@example.test";
  String KEEP = "keep;\n";
  String FILE = "require \"fileinto\";\nfileinto \"Junk\";\n";

  /** A new, empty store in {@code dir} enforcing {@code limits}. */
  SieveScripts open(Path dir, Limits limits) throws Exception;

  private static Kind kindOf(ThrowingCall c) {
    try {
      c.run();
    } catch (SieveStoreException e) {
      return e.kind();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused");
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  default void putGetListAndReplace(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      assertThat(s.list(ALICE)).isEmpty();
      assertThat(s.get(ALICE, "main")).isEmpty();
      Instant before = Instant.now().minusSeconds(1);
      s.put(ALICE, "main", KEEP);
      s.put(ALICE, "Ünïcode name", FILE);
      Script got = s.get(ALICE, "main").orElseThrow();
      assertThat(got.name()).isEqualTo("main");
      assertThat(got.text()).isEqualTo(KEEP);
      assertThat(got.active()).isFalse();
      assertThat(got.modified()).isAfter(before);
      assertThat(s.list(ALICE)).extracting(Script::name).containsExactlyInAnyOrder("main", "Ünïcode name");
      assertThat(s.list(ALICE)).allSatisfy(x -> assertThat(x.text()).isEmpty());
      s.put(ALICE, "main", FILE);
      assertThat(s.get(ALICE, "main").orElseThrow().text()).isEqualTo(FILE);
      assertThat(s.list(ALICE)).hasSize(2);
      assertThat(s.get(ALICE, "MAIN")).as("names are case-sensitive").isEmpty();
      assertThat(s.list(BOB)).as("scripts are per user").isEmpty();
    }
  }

  @Test
  default void oneActiveScriptAtATime(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      s.put(ALICE, "a", KEEP);
      s.put(ALICE, "b", FILE);
      assertThat(s.active(ALICE)).isEmpty();
      s.activate(ALICE, "a");
      assertThat(s.active(ALICE).orElseThrow().name()).isEqualTo("a");
      assertThat(s.active(ALICE).orElseThrow().text()).isEqualTo(KEEP);
      s.activate(ALICE, "b");
      assertThat(s.active(ALICE).orElseThrow().name()).isEqualTo("b");
      assertThat(s.list(ALICE)).filteredOn(Script::active).extracting(Script::name).containsExactly("b");
      s.put(ALICE, "b", KEEP);
      assertThat(s.active(ALICE).orElseThrow().text()).as("replacing keeps it active").isEqualTo(KEEP);
      assertThat(kindOf(() -> s.activate(ALICE, "nope"))).isEqualTo(Kind.NONEXISTENT);
      assertThat(s.active(ALICE).orElseThrow().name()).as("a failed activate changes nothing").isEqualTo("b");
      s.activate(ALICE, null);
      assertThat(s.active(ALICE)).isEmpty();
      s.activate(ALICE, null); // deactivating with none active is fine (RFC 5804 §2.8)
      assertThat(s.active(BOB)).isEmpty();
    }
  }

  @Test
  default void deleteRefusesTheActiveScriptAndUnknownNames(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      s.put(ALICE, "a", KEEP);
      s.put(ALICE, "b", KEEP);
      s.activate(ALICE, "a");
      assertThat(kindOf(() -> s.delete(ALICE, "a"))).isEqualTo(Kind.ACTIVE);
      assertThat(kindOf(() -> s.delete(ALICE, "zz"))).isEqualTo(Kind.NONEXISTENT);
      assertThat(kindOf(() -> s.delete(BOB, "b"))).isEqualTo(Kind.NONEXISTENT);
      s.delete(ALICE, "b");
      assertThat(s.list(ALICE)).extracting(Script::name).containsExactly("a");
    }
  }

  @Test
  default void renameKeepsActivityAndRefusesExistingTargets(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      s.put(ALICE, "a", KEEP);
      s.put(ALICE, "b", FILE);
      s.activate(ALICE, "a");
      s.rename(ALICE, "a", "c");
      assertThat(s.active(ALICE).orElseThrow().name()).isEqualTo("c");
      assertThat(s.get(ALICE, "c").orElseThrow().text()).isEqualTo(KEEP);
      assertThat(s.get(ALICE, "a")).isEmpty();
      assertThat(kindOf(() -> s.rename(ALICE, "c", "b"))).isEqualTo(Kind.ALREADY_EXISTS);
      assertThat(kindOf(() -> s.rename(ALICE, "zz", "y"))).isEqualTo(Kind.NONEXISTENT);
      assertThat(kindOf(() -> s.rename(ALICE, "b", "x/y"))).isEqualTo(Kind.BAD_NAME);
      assertThat(s.get(ALICE, "b").orElseThrow().text()).isEqualTo(FILE);
    }
  }

  @Test
  default void namesFollowRfc5804(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      for (String bad : new String[] {"", "a\nb", "tab\there", "nul\0", "del\u007f", "c1\u0085", "ls\u2028", "a/b",
          "x".repeat(129), "ü".repeat(65)}) {
        assertThat(kindOf(() -> s.put(ALICE, bad, KEEP))).as("name %s", bad).isEqualTo(Kind.BAD_NAME);
      }
      s.put(ALICE, "x".repeat(128), KEEP);
      s.put(ALICE, "ü".repeat(64), KEEP); // 128 bytes
      s.put(ALICE, "with spaces and \"quotes\" \\", KEEP);
      s.put(ALICE, "emoji \uD83D\uDCEC", KEEP);
      assertThat(s.list(ALICE)).hasSize(4);
    }
  }

  @Test
  default void limitsOnCountAndSize(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, new Limits(2, 100))) {
      assertThat(s.limits()).isEqualTo(new Limits(2, 100));
      s.put(ALICE, "a", "#".repeat(100));
      assertThat(kindOf(() -> s.put(ALICE, "b", "#".repeat(101)))).isEqualTo(Kind.QUOTA);
      assertThat(kindOf(() -> s.put(ALICE, "b", "ü".repeat(51)))).as("bytes, not characters").isEqualTo(Kind.QUOTA);
      s.put(ALICE, "b", KEEP);
      assertThat(kindOf(() -> s.put(ALICE, "c", KEEP))).isEqualTo(Kind.QUOTA);
      s.put(ALICE, "b", FILE); // replacing is not one more
      s.put(BOB, "c", KEEP); // the count is per user
      s.delete(ALICE, "a");
      s.put(ALICE, "c", KEEP);
      assertThat(s.list(ALICE)).extracting(Script::name).containsExactlyInAnyOrder("b", "c");
    }
    try (SieveScripts s = open(dir.resolve("unlimited"), new Limits(0, 0))) {
      for (int i = 0; i < 25; i++) {
        s.put(ALICE, "s" + i, "#".repeat(2 << 20));
      }
      assertThat(s.list(ALICE)).hasSize(25);
    }
  }

  @Test
  default void versionChangesWithEveryChange(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      Set<Long> seen = new HashSet<>();
      seen.add(s.version(ALICE));
      ThrowingCall[] changes = {
        () -> s.put(ALICE, "a", KEEP),
        () -> s.put(ALICE, "a", FILE),
        () -> s.put(ALICE, "b", KEEP),
        () -> s.activate(ALICE, "a"),
        () -> s.rename(ALICE, "a", "c"),
        () -> s.activate(ALICE, null),
        () -> s.delete(ALICE, "b"),
      };
      for (ThrowingCall c : changes) {
        long before = s.version(ALICE);
        c.run();
        assertThat(s.version(ALICE)).isNotEqualTo(before);
        assertThat(seen.add(s.version(ALICE))).as("a version is never reused").isTrue();
      }
      long v = s.version(ALICE);
      kindOf(() -> s.delete(ALICE, "nope"));
      s.list(ALICE);
      s.recordError(ALICE, new LastError(Instant.now(), "c", "x"));
      assertThat(s.version(ALICE)).as("reads, refusals and errors are no change").isEqualTo(v);
      long bob = s.version(BOB);
      s.put(ALICE, "d", KEEP);
      assertThat(s.version(BOB)).isEqualTo(bob);
    }
  }

  @Test
  default void lastErrorIsRecordedAndCleared(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      assertThat(s.lastError(ALICE)).isEmpty();
      Instant when = Instant.parse("2026-01-02T03:04:05.678Z");
      s.recordError(ALICE, new LastError(when, "main", "3:1: fileinto: mailbox quota exceeded"));
      assertThat(s.lastError(ALICE)).contains(new LastError(when, "main", "3:1: fileinto: mailbox quota exceeded"));
      assertThat(s.lastError(BOB)).isEmpty();
      s.recordError(ALICE, new LastError(when.plusSeconds(1), "other", "later"));
      assertThat(s.lastError(ALICE).orElseThrow().message()).isEqualTo("later");
      s.recordError(ALICE, null);
      assertThat(s.lastError(ALICE)).isEmpty();
    }
  }

  @Test
  default void changesPersistAcrossReopening(@TempDir Path dir) throws Exception {
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      s.put(ALICE, "a", FILE);
      s.activate(ALICE, "a");
    }
    try (SieveScripts s = open(dir, Limits.DEFAULTS)) {
      assertThat(s.active(ALICE).orElseThrow().text()).isEqualTo(FILE);
      assertThat(s.version(ALICE)).isPositive();
    }
  }
}
