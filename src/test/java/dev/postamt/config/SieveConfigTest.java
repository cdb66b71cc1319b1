package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [sieve]}: administrator scripts as a path or a list of paths, and the limits, validated. */
class SieveConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void defaultsHaveNoAdministratorScriptsAndPigeonholesLimits() throws Exception {
    Sieve s = Config.load(write(""), true).sieve();
    assertThat(s.before()).isEmpty();
    assertThat(s.after()).isEmpty();
    assertThat(s.maxRedirects()).isEqualTo(4);
    assertThat(s.maxScriptSize()).isEqualTo(1 << 20);
  }

  @Test
  void beforeTakesAStringAndAfterAListRelativeToTheConfigFile() throws Exception {
    Sieve s = Config.load(write("[sieve]\nbefore = \"before.sieve\"\nafter = [\"a.sieve\", \"/etc/postamt/after.d\"]\n"
        + "max_script_size = \"64k\"\nmax_scripts = 5\nmax_redirects = 1\nmax_actions = 10\nmax_include_depth = 3\n"
        + "max_cpu_time = \"2s\"\n"), true).sieve();
    assertThat(s.before()).containsExactly(dir.resolve("before.sieve"));
    assertThat(s.after()).containsExactly(dir.resolve("a.sieve"), Path.of("/etc/postamt/after.d"));
    assertThat(s).extracting(Sieve::maxScriptSize, Sieve::maxScripts, Sieve::maxRedirects, Sieve::maxActions,
        Sieve::maxIncludeDepth, Sieve::maxCpuTime).containsExactly(65536L, 5, 1, 10, 3, Duration.ofSeconds(2));
  }

  @Test
  void badValuesAreReportedWithTheirKeys() throws Exception {
    Path f = write("[sieve]\nbefore = 3\nafter = [\"\"]\nmax_redirects = -1\nmax_cpu_time = \"forever\"\nstop = true\n");
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("sieve.before: must be a path or an array of paths")
        .hasMessageContaining("sieve.after: must not contain an empty path")
        .hasMessageContaining("sieve.max_redirects: must be between 0 and 100")
        .hasMessageContaining("sieve.max_cpu_time: must be a duration")
        .hasMessageContaining("sieve.stop: unknown key");
  }

  @Test
  void configShowListsTheSieveSettings() throws Exception {
    List<Config.Setting> settings = Config.settings(write("[sieve]\nbefore = \"b.sieve\"\n"), true);
    assertThat(settings).anySatisfy(s -> {
      assertThat(s.key()).isEqualTo("sieve.before");
      assertThat(s.value()).isEqualTo("[\"" + dir.resolve("b.sieve") + "\"]");
      assertThat(s.given()).isTrue();
    });
    assertThat(settings).anySatisfy(s -> {
      assertThat(s.key()).isEqualTo("sieve.max_redirects");
      assertThat(s.given()).isFalse();
    });
  }
}
