package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [spam]} URI lists and white- and blacklists: read as given, bad entries named by their key; the
 * per-part scan sizes with SpamAssassin's defaults.
 */
class SpamListsConfigTest {
  @TempDir Path dir;

  Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void goodEntriesAreRead() throws Exception {
    Spam s = Config.load(write("[spam]\nuribl = [\"multi.uribl.test\", \"dbl.example=127.0.1.[2..6]*2.5\"]\n"
        + "whitelist_from = [\"*@friends.example\"]\nmore_spam_to = [\"sales@example.org\"]\n"), true).spam();
    assertThat(s.uribl()).containsExactly("multi.uribl.test", "dbl.example=127.0.1.[2..6]*2.5");
    assertThat(s.whitelistFrom()).containsExactly("*@friends.example");
    assertThat(s.moreSpamTo()).containsExactly("sales@example.org");
  }

  @Test
  void badEntriesAreNamedByTheirKey() throws Exception {
    Path f = write("[spam]\nuribl = [\"nodots\", \"z.example=1.2.3.999x\"]\nwhitelist_from = [\"a b@example.org\"]\n");
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(m -> assertThat(m).contains("spam.uribl", "nodots"))
            .anySatisfy(m -> assertThat(m).contains("spam.uribl", "z.example"))
            .anySatisfy(m -> assertThat(m).contains("spam.whitelist_from", "a b@example.org")));
    assertThat(Spam.uriblProblem("multi.uribl.test*3")).isNull();
    assertThat(List.of("x", "a.b=999.1", "a.b*x")).allSatisfy(bad -> assertThat(Spam.uriblProblem(bad)).isNotNull());
  }

  @Test
  void scanSizesDefaultToSpamAssassinsAndAreBounded() throws Exception {
    Spam d = Config.load(write("[spam]\n"), true).spam();
    assertThat(d.bodyPartScanSize()).isEqualTo(50_000);
    assertThat(d.rawbodyPartScanSize()).isEqualTo(500_000);
    Spam s = Config.load(write("[spam]\nbody_part_scan_size = 100000\nrawbody_part_scan_size = 2000\n"), true).spam();
    assertThat(s.bodyPartScanSize()).isEqualTo(100_000);
    assertThat(s.rawbodyPartScanSize()).isEqualTo(2_000);
    Path f = write("[spam]\nbody_part_scan_size = 10\n");
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(m -> assertThat(m).contains("spam.body_part_scan_size")));
  }
}
