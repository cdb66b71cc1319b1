package dev.postamt.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code aliases_file}: Postfix/Sendmail {@code /etc/aliases} syntax, read directly (there is no
 * {@code newaliases} step). The file is re-read when its modification time or size changes, so editing
 * it takes effect on the next lookup.
 *
 * <pre>
 *   # comment
 *   postmaster: root
 *   root:       alice@example.org, \bob,
 *               "|/usr/local/bin/ticket --new"
 *   list@example.org: :include:/etc/postamt/list.txt
 * </pre>
 *
 * A key without {@code @} matches that local part in every local domain; a key with {@code @} matches
 * that full address and wins over a bare key. Lines that do not parse are logged with file:line and
 * skipped; the rest of the file still counts. Like {@code postalias}, the first of duplicate keys wins.
 */
final class AliasesFile {
  private static final Logger log = LoggerFactory.getLogger(AliasesFile.class);

  /** One parsed entry: where it came from (for messages) and its targets. */
  record Entry(String key, String origin, List<AliasTarget> targets) {}

  /** The file could not be read; lookups must fail temporarily rather than guess. */
  static final class UnreadableException extends Exception {
    UnreadableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Path file;
  private Map<String, Entry> entries = Map.of();
  private FileTime loadedMtime;
  private long loadedSize = -1;
  private boolean missingReported;

  AliasesFile(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The entry for {@code local@domain}: the full-address key first, then the bare local part. */
  synchronized Optional<Entry> lookup(String local, String domain) throws UnreadableException {
    refresh();
    Entry e = entries.get(local + "@" + domain);
    if (e == null) {
      e = entries.get(local);
    }
    return Optional.ofNullable(e);
  }

  private void refresh() throws UnreadableException {
    FileTime mtime;
    long size;
    try {
      mtime = Files.getLastModifiedTime(file);
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      // A configured but absent file is treated as empty (a fresh install), said once, not on every mail.
      if (!missingReported) {
        log.warn("aliases_file {} does not exist; no aliases from it", file);
        missingReported = true;
      }
      entries = Map.of();
      loadedMtime = null;
      return;
    } catch (IOException e) {
      throw new UnreadableException("cannot read aliases_file " + file + ": " + e.getMessage(), e);
    }
    missingReported = false;
    if (mtime.equals(loadedMtime) && size == loadedSize) {
      return;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UnreadableException("cannot read aliases_file " + file + ": " + e.getMessage(), e);
    }
    entries = parse(text, file.toString(), log::warn);
    loadedMtime = mtime;
    loadedSize = size;
    log.info("aliases_file {}: {} entries", file, entries.size());
  }

  /** Parses the whole file; {@code warn} receives "file:line: problem" for every skipped part. */
  static Map<String, Entry> parse(String text, String name, java.util.function.Consumer<String> warn) {
    Map<String, Entry> out = new HashMap<>();
    List<String[]> logical = new ArrayList<>(); // {firstLineNumber, text}
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if (logical.isEmpty()) {
          warn.accept(name + ":" + (i + 1) + ": continuation line without an entry before it; skipped");
        } else {
          String[] last = logical.getLast();
          // A newline, not a blank, joins the parts: it separates targets like a comma does.
          last[1] = last[1] + "\n" + stripped;
        }
        continue;
      }
      logical.add(new String[] {String.valueOf(i + 1), line});
    }
    for (String[] l : logical) {
      String where = name + ":" + l[0];
      String entry = l[1];
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        warn.accept(where + ": expected \"name: target, ...\"; skipped");
        continue;
      }
      String key = unquote(entry.substring(0, colon).strip()).toLowerCase(Locale.ROOT);
      if (key.isEmpty() || key.chars().anyMatch(c -> c <= ' ') || key.indexOf('@') != key.lastIndexOf('@')
          || key.startsWith("@") || key.endsWith("@")) {
        warn.accept(where + ": \"" + key + "\" is not a valid alias name; skipped");
        continue;
      }
      List<AliasTarget> targets = AliasTarget.parseList(entry.substring(colon + 1), p -> warn.accept(where + ": " + p));
      if (targets.isEmpty()) {
        warn.accept(where + ": alias " + key + " has no usable target; skipped");
        continue;
      }
      if (out.containsKey(key)) {
        warn.accept(where + ": duplicate alias " + key + " (first at " + out.get(key).origin() + "); ignored");
        continue;
      }
      out.put(key, new Entry(key, where, List.copyOf(targets)));
    }
    return Map.copyOf(out);
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }
}
