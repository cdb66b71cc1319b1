package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./postamt}: the JVM flags it passes and when it uses the AOT cache. Runs a
 * copy of the script in a temporary directory against a stand-in JDK whose {@code bin/java} prints its
 * arguments and {@code MALLOC_ARENA_MAX} (the jar is there and up to date, so nothing is built).
 */
class LauncherTest {
  @TempDir Path dir;
  private Path jdk;
  private Path jar;
  private Path cache;

  @BeforeEach
  void setUp() throws IOException {
    Path script = Path.of("postamt").toAbsolutePath();
    Files.copy(script, dir.resolve("postamt"));
    jdk = Files.createDirectories(dir.resolve("jdk"));
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
    Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"\necho \"LC_ALL=$LC_ALL\"\necho \"LC_CTYPE=$LC_CTYPE\"\n"
        + "for a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.createDirectories(dir.resolve("target")).resolve("postamt-all.jar");
    Files.writeString(jar, "stand-in");
    cache = dir.resolve("target/postamt-all.aot");
  }

  private List<String> launch(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("postamt").toString(), "--version");
    pb.environment().remove("POSTAMT_JAVA_OPTS");
    pb.environment().remove("POSTAMT_AOT");
    pb.environment().remove("MALLOC_ARENA_MAX");
    for (String v : List.of("LANG", "LC_ALL", "LC_CTYPE")) {
      pb.environment().remove(v);
    }
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  private void age(Path file, int secondsAgo) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
  }

  @Test
  void defaultFlagsAreG1ThatGivesMemoryBackAndAHeapThatFollowsTheMachine() throws Exception {
    List<String> args = launch(Map.of());
    assertThat(args).contains("MALLOC_ARENA_MAX=2", "-XX:+UseG1GC", "-XX:+UseCompactObjectHeaders", "-XX:MaxHeapFreeRatio=30",
        "-XX:G1PeriodicGCInterval=10000", "-XX:MaxNewSize=64m", "-XX:-G1UseAdaptiveIHOP",
        "-XX:InitiatingHeapOccupancyPercent=45", "-XX:GCTimeRatio=8", "-XX:+UnlockExperimentalVMOptions",
        "-XX:G1ExpandByPercentOfAvailable=5", "-jar", jar.toString(), "--version");
    // the unlock comes before the experimental flag it unlocks, or the JVM refuses to start
    assertThat(args.indexOf("-XX:+UnlockExperimentalVMOptions")).isLessThan(args.indexOf("-XX:G1ExpandByPercentOfAvailable=5"));
    // the serial collector is gone (the AOT cache is trained with G1, pom.xml)
    assertThat(args).doesNotContain("-XX:+UseSerialGC", "-XX:-ShrinkHeapInSteps");
    String xmx = args.stream().filter(a -> a.startsWith("-Xmx")).findFirst().orElseThrow();
    int mb = Integer.parseInt(xmx.substring(4, xmx.length() - 1));
    assertThat(xmx).endsWith("m");
    assertThat(mb).isBetween(128, 256); // a quarter of the memory, capped for a mail server (docs/performance.md)
    assertThat(args).noneMatch(a -> a.startsWith("-XX:AOTCache"));
  }

  @Test
  void aCacheNewerThanTheJarIsUsedAndItsMessagesAreOff() throws Exception {
    age(jar, 60);
    Files.writeString(cache, "cache");
    List<String> args = launch(Map.of());
    assertThat(args).contains("-XX:AOTCache=" + cache, "-Xlog:aot=off,cds=off");
    assertThat(args.indexOf("-XX:AOTCache=" + cache)).isLessThan(args.indexOf("-jar"));
  }

  @Test
  void aCacheOlderThanTheJarIsNotUsed() throws Exception {
    Files.writeString(cache, "cache");
    age(cache, 60);
    assertThat(launch(Map.of())).noneMatch(a -> a.startsWith("-XX:AOTCache"));
  }

  @Test
  void postamtAotZeroStartsWithoutTheCache() throws Exception {
    age(jar, 60);
    Files.writeString(cache, "cache");
    assertThat(launch(Map.of("POSTAMT_AOT", "0"))).noneMatch(a -> a.startsWith("-XX:AOTCache"));
  }

  @Test
  void postamtJavaOptsReplaceTheDefaultFlagsAndMallocArenasAreTheOperatorsChoice() throws Exception {
    List<String> args = launch(Map.of("POSTAMT_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC", "MALLOC_ARENA_MAX", "8"));
    assertThat(args).contains("-Xmx1g", "-XX:+UseSerialGC", "MALLOC_ARENA_MAX=8");
    assertThat(args).doesNotContain("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=10000");
  }

  /** File names in UTF-8 (store.FileNames): a locale whose character set is not UTF-8 gets C.UTF-8's. */
  @Test
  void theJvmGetsAUtf8LocaleWhereTheEnvironmentHasNone() throws Exception {
    assertThat(launch(Map.of())).contains("LC_CTYPE=C.UTF-8", "LC_ALL=");
    assertThat(launch(Map.of("LANG", "POSIX"))).contains("LC_CTYPE=C.UTF-8", "LC_ALL=");
    assertThat(launch(Map.of("LC_ALL", "C"))).contains("LC_ALL=C.UTF-8");
    assertThat(launch(Map.of("LANG", "de_DE.UTF-8"))).contains("LC_CTYPE=", "LC_ALL=");
    assertThat(launch(Map.of("LC_ALL", "en_US.utf8"))).contains("LC_ALL=en_US.utf8", "LC_CTYPE=");
  }

  /**
   * POSTAMT_JAR (the installed jar, docs/install.md): run as it is with its cache beside it, never rebuilt
   * (sources newer than it do not matter), and a missing one is one line.
   */
  @Test
  void anInstalledJarIsRunWithItsCacheAndNeverBuilt() throws Exception {
    Path opt = Files.createDirectories(dir.resolve("opt"));
    Path installed = Files.writeString(opt.resolve("postamt-all.jar"), "installed");
    age(installed, 60);
    Files.writeString(opt.resolve("postamt-all.aot"), "cache");
    Files.createDirectories(dir.resolve("src/main"));
    Files.writeString(dir.resolve("pom.xml"), "<project/>"); // newer than the jar: a checkout would rebuild
    List<String> args = launch(Map.of("POSTAMT_JAR", installed.toString()));
    assertThat(args).contains("-XX:AOTCache=" + opt.resolve("postamt-all.aot"), "-jar", installed.toString())
        .doesNotContain(jar.toString()).noneMatch(a -> a.contains("building"));

    ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("postamt").toString(), "--version");
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().put("POSTAMT_JAR", opt.resolve("gone.jar").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out).isEqualTo("postamt: POSTAMT_JAR " + opt.resolve("gone.jar") + " does not exist\n");
  }

  @Test
  void aJdkOlderThan25IsRefusedWithOneLine() throws Exception {
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.9\"\n");
    // the script also looks at the usual install locations; on a machine with a JDK 25 there it takes
    // that one, so only the refusal of the stand-in is certain: it is never the one run
    ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("postamt").toString(), "--version");
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().put("POSTAMT_AOT", "0");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).doesNotContain("MALLOC_ARENA_MAX=");
  }
}
