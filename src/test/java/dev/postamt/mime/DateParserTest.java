package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link DateParser} against the regular expression it replaced (below, as it was, the one exception
 * aside): the same answer for every Date and Received date of the test corpus that no one here wrote,
 * for the RFC 5322 forms and near misses written here, and for tens of thousands of random edits of them.
 */
class DateParserTest {
  private static final Path CORPUS = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));

  /** The parse before DateParser (HeaderText.parseDate until 2026-12-07), the zone beyond ±18:00 as UTC. */
  private static final Pattern DATE = Pattern.compile(
      "(?:[A-Za-z]{3},)?\\s*(\\d{1,2})\\s+([A-Za-z]{3})\\s+(\\d{2,4})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([+-]\\d{4}|[A-Za-z]+)?.*");
  private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

  private static ZonedDateTime byPattern(String v) {
    Matcher m = DATE.matcher(v);
    if (!m.matches()) {
      return null;
    }
    int mon = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT));
    if (mon < 0 || mon % 3 != 0) {
      return null;
    }
    int year = Integer.parseInt(m.group(3));
    if (m.group(3).length() <= 2) {
      year += year < 50 ? 2000 : 1900;
    }
    ZoneOffset zone = ZoneOffset.UTC;
    String z = m.group(7);
    if (z != null && (z.startsWith("+") || z.startsWith("-"))) {
      int hh = Integer.parseInt(z.substring(1, 3));
      int mm = Integer.parseInt(z.substring(3, 5));
      if (hh <= 18 && mm < 60) {
        int secs = (hh * 3600 + mm * 60) * (z.startsWith("-") ? -1 : 1);
        try {
          zone = ZoneOffset.ofTotalSeconds(secs);
        } catch (DateTimeException e) {
          zone = ZoneOffset.UTC; // the one difference: this threw out of parseDate
        }
      }
    }
    try {
      return ZonedDateTime.of(year, mon / 3 + 1, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(4)),
          Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), 0, zone);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static final List<String> WRITTEN = List.of(
      "Mon, 7 Dec 2026 12:37:07 +0000", "7 Dec 2026 12:37 -0800", "Fri, 21 Nov 1997 09:55:06 -0600",
      "Thu, 13 Feb 1969 23:32:54 -0330", "Tue, 1 Jul 2003 10:52:37 +0200", "1 Jan 70 00:00:00 GMT",
      "1 Jan 49 00:00:00 EST", "1 Jan 099 00:00:00 +0000", "31 Feb 2026 10:00:00 +0000", "0 Jan 2026 10:00 +0000",
      "1 Jan 2026 24:00 +0000", "1 Jan 2026 23:60 +0000", "1 Jan 2026 23:59:60 +0000", "1 Jan 2026 9:05 +1830",
      "1 Jan 2026 9:05 -1800", "1 Jan 2026 9:05 +1900", "1 Jan 2026 9:05 +0060", "1 Jan 2026 9:05 +01",
      "1 Jan 2026 9:05 +01000", "1 Jan 2026 10:305", "1 Jan 2026 10:30:456", "1 Jan 2026 10:30:4", "123 Jan 2026 10:30",
      "1 Sept 2026 10:30", "1 jAN 2026 10:30", "1 anf 2026 10:30", "1 Jan 20261 10:30", "1 Jan 2 10:30",
      "1 Jan 2026 123:30", "Monday, 1 Jan 2026 10:30", "Mon ,1 Jan 2026 10:30", "Mon,1\tJan\t2026\t10:30\t+0100",
      "1 Jan 2026 10:30 +0100\nX", "1 Jan 2026 10:30\n +0100", "1 Jan 2026 10:30 UT\u2028x", "1\r\n Jan 2026 10:30",
      "1 Jan 2026 10:30 +0100 (CET)", "1 Jan 2026 10:30:00 PST8PDT extra", "", "1", "1 Jan", "1 Jan 2026",
      "1 Jan 2026 10", "1 Jan 2026 10:", "1 Jan 2026 10:3", "Mon, 1 Jan 2026 10:30:00 +0100\r");

  @Test
  void readsWhatThePatternReadForTheCorpusAndTheWrittenForms() throws IOException {
    Set<String> dates = new LinkedHashSet<>(WRITTEN);
    dates.addAll(corpusDates());
    int parsed = 0;
    for (String d : dates) {
      String v = HeaderText.stripComments(d).strip();
      ZonedDateTime expected = byPattern(v);
      assertThat(DateParser.parse(v)).as("%s", d).isEqualTo(expected);
      parsed += expected == null ? 0 : 1;
    }
    assertThat(parsed).as("dates read").isGreaterThan(WRITTEN.size() / 3);
  }

  /** Random edits of those: characters removed, doubled, replaced by digits, letters, signs, white space. */
  @Test
  void readsWhatThePatternReadForRandomEdits() throws IOException {
    List<String> seeds = new ArrayList<>(WRITTEN);
    seeds.addAll(corpusDates().stream().limit(300).toList());
    String alphabet = "0123456789 \t\r\n\u000B\f\u0085+-:,()ADJMNOSadjmnosTtUGZz\u2028";
    Random r = new Random(20261207);
    for (int n = 0; n < 60_000; n++) {
      StringBuilder b = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
      for (int k = 1 + r.nextInt(3); k > 0 && b.length() > 0; k--) {
        int at = r.nextInt(b.length());
        switch (r.nextInt(3)) {
          case 0 -> b.deleteCharAt(at);
          case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      String v = b.toString();
      assertThat(DateParser.parse(v)).as("%s", v).isEqualTo(byPattern(v));
    }
  }

  @Test
  void aZoneBeyondEighteenHoursIsUtcNotAnException() {
    assertThatCode(() -> HeaderText.parseDate("Mon, 7 Dec 2026 12:37:07 +1830")).doesNotThrowAnyException();
    assertThat(HeaderText.parseDate("Mon, 7 Dec 2026 12:37:07 +1830"))
        .isEqualTo(ZonedDateTime.of(2026, 12, 7, 12, 37, 7, 0, ZoneOffset.UTC));
    assertThat(HeaderText.parseDate("Mon, 7 Dec 2026 12:37:07 -1800 (edge)"))
        .isEqualTo(ZonedDateTime.of(2026, 12, 7, 12, 37, 7, 0, ZoneOffset.ofHours(-18)));
  }

  /** The Date fields and the dates after the last ";" of the Received fields of the corpus (none when it is absent). */
  private static List<String> corpusDates() throws IOException {
    if (!Files.isDirectory(CORPUS)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CORPUS)) {
      for (Path f : files.filter(Files::isRegularFile).limit(3000).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\n\n");
        String head = HeaderText.unfold(end < 0 ? text : text.substring(0, end));
        for (String line : head.split("\r?\n")) {
          String lower = line.toLowerCase(Locale.ROOT);
          if (lower.startsWith("date:")) {
            out.add(line.substring(5));
          } else if (lower.startsWith("received:") && line.lastIndexOf(';') > 0) {
            out.add(line.substring(line.lastIndexOf(';') + 1));
          }
        }
      }
    }
    return out;
  }
}
