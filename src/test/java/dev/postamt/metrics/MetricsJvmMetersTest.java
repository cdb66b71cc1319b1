package dev.postamt.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JVM's meters, bound at the first scrape instead of at start-up (issue 27), still show, once each. */
class MetricsJvmMetersTest {
  private static long count(String text, String regex) {
    return Pattern.compile(regex, Pattern.MULTILINE).matcher(text).results().count();
  }

  @Test
  void theFirstScrapeAlreadyShowsThemAndLaterOnesShowThemOnce() throws Exception {
    Metrics m = new Metrics();
    String first = m.scrape();
    assertThat(first).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads")
        .contains("system_cpu_count").contains("postamt_queue_messages");
    System.gc(); // a collection after binding reaches the GC meters
    String second = m.scrape();
    assertThat(count(second, "^# TYPE jvm_threads_live_threads ")).isEqualTo(1);
    assertThat(count(second, "^jvm_threads_live_threads ")).isEqualTo(1);
    assertThat(count(second, "^# TYPE system_cpu_count ")).isEqualTo(1);
  }
}
