package dev.postamt.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seams of ARCHITECTURE.md, kept by the build: the config is a leaf, nothing but the command line
 * depends on {@code server}, message files are the store's business, the queue owns the interface it
 * delivers through.
 */
class ArchitectureTest {
  private static PackageGraph graph;

  @BeforeAll
  static void read() {
    graph = PackageGraph.of(Path.of("src/main/java/dev/postamt"));
  }

  @Test
  void configIsALeaf() {
    assertThat(graph.uses.get("config")).as("packages config uses").isEmpty();
  }

  @Test
  void onlyTheCommandLineDependsOnServerAndNoCycleGoesThroughIt() {
    Map<String, Set<String>> users = new TreeMap<>();
    graph.uses.forEach((pkg, used) -> {
      if (used.containsKey("server")) {
        users.put(pkg, used.get("server"));
      }
    });
    assertThat(users.keySet()).isSubsetOf("cli", "admin");
    assertThat(graph.cycles()).noneMatch(c -> c.contains("server"));
  }

  @Test
  void messageFilesAreTheStoresBusiness() {
    Set<String> maildir = Set.of("Maildir", "MailboxLayout", "MaildirBlobStore", "MaildirFolders", "FolderScan");
    Map<String, Set<String>> offenders = new TreeMap<>();
    graph.uses.forEach((pkg, used) -> {
      if (!pkg.equals("store")) {
        used.getOrDefault("store", Set.of()).stream().filter(maildir::contains)
            .forEach(c -> offenders.computeIfAbsent(pkg, k -> new java.util.TreeSet<>()).add(c));
      }
    });
    assertThat(offenders).as("Maildir classes used outside store").isEmpty();
  }

  @Test
  void queueDoesNotKnowHowMailIsDelivered() {
    assertThat(graph.uses.get("queue")).doesNotContainKey("delivery");
  }

  @Test
  void noPackageCycles() {
    assertThat(graph.cycles()).as("package cycles").isEmpty();
  }
}
