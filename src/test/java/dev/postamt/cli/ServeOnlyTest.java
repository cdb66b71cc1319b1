package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} runs on its own command without picocli building every subcommand (issue 27), and the
 * admin sees the same answers as from the whole tree.
 */
class ServeOnlyTest {
  @TempDir Path tmp;

  @Test
  void onlyAPlainServeTakesTheShortPath() {
    assertThat(Main.serveOnly(new String[] {"serve"})).isTrue();
    assertThat(Main.serveOnly(new String[] {"serve", "--config", "p.toml"})).isTrue();
    assertThat(Main.serveOnly(Arguments.configLast(new String[] {"--config", "p.toml", "serve"}))).isTrue();
    assertThat(Main.serveOnly(new String[] {"serve", "--help"})).isFalse();
    assertThat(Main.serveOnly(new String[] {"serve", "-V"})).isFalse();
    assertThat(Main.serveOnly(new String[] {"status"})).isFalse();
    assertThat(Main.serveOnly(new String[0])).isFalse();
  }

  @Test
  void onlyServeAndItsConfigFileSkipPicocliAltogether() {
    assertThat(Main.plainServe(new String[] {"serve"})).isTrue();
    assertThat(Main.plainServe(new String[] {"serve", "--config", "p.toml"})).isTrue();
    assertThat(Main.plainServe(new String[] {"serve", "--config=p.toml"})).isTrue();
    assertThat(Main.plainServe(Arguments.configLast(new String[] {"--config", "p.toml", "serve"}))).isTrue();
    assertThat(Main.plainServe(new String[] {"serve", "--config"})).isFalse(); // picocli names what is missing
    assertThat(Main.plainServe(new String[] {"serve", "--config="})).isFalse();
    assertThat(Main.plainServe(new String[] {"serve", "--config", "-x"})).isFalse();
    assertThat(Main.plainServe(new String[] {"serve", "--bogus"})).isFalse();
    assertThat(Main.plainServe(new String[] {"serve", "--config", "p.toml", "--config", "q.toml"})).isFalse();
    assertThat(Main.plainServe(new String[] {"serve", "--help"})).isFalse();
    assertThat(Main.plainServe(new String[] {"status"})).isFalse();
    assertThat(Main.plainServe(new String[0])).isFalse();
  }

  @Test
  void aConfigFileGivenWithAnEqualsSignIsTheOneRead() throws Exception {
    Path bad = tmp.resolve("equals.toml");
    java.nio.file.Files.writeString(bad, "data_dir = 7\n");
    CliFixture.Result r = new CliFixture(tmp).runAsGiven("serve", "--config=" + bad);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("postamt: config: ").contains("data_dir").doesNotContain("\tat ");
  }

  @Test
  void aWrongOptionNamesTheCommandAsTheWholeTreeDid() throws Exception {
    CliFixture.Result r = new CliFixture(tmp).runAsGiven("serve", "--bogus");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("postamt: Unknown option: '--bogus' (see 'postamt serve --help')");
  }

  @Test
  void helpStillComesFromTheWholeTree() throws Exception {
    CliFixture.Result r = new CliFixture(tmp).runAsGiven("serve", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("Usage: postamt serve").contains("--config=FILE").contains("--version");
  }

  @Test
  void aBadConfigIsOneLine() throws Exception {
    Path bad = tmp.resolve("bad.toml");
    java.nio.file.Files.writeString(bad, "hostname = 3\n");
    CliFixture.Result r = new CliFixture(tmp).runAsGiven("--config", bad.toString(), "serve");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).startsWith("postamt: ").contains("hostname").doesNotContain("\tat ");
  }

  @Test
  void jettyIsToldTheReferenceSizeItWouldHaveAskedJmxFor() throws Exception {
    String key = "org.eclipse.jetty.util.referencesPerCacheLine";
    String before = System.getProperty(key);
    try {
      System.clearProperty(key);
      ServeCommand.tellJettyTheReferenceSize();
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      boolean compressed = Boolean.parseBoolean(hotspot.getVMOption("UseCompressedOops").getValue());
      assertThat(System.getProperty(key)).isEqualTo(compressed ? "16" : "8");
      System.setProperty(key, "4");
      ServeCommand.tellJettyTheReferenceSize();
      assertThat(System.getProperty(key)).isEqualTo("4"); // the operator's own wins
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }
}
