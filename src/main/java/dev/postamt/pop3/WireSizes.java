package dev.postamt.pop3;

import dev.postamt.store.MessageContent;
import dev.postamt.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact POP3 sizes of a user's INBOX messages ({@link MessageEncoder#size}), kept in {@code
 * <home>/pop3-sizes} so that a login does not read every message again. Message files never change,
 * so a size is computed once per Maildir base name. The file is only a cache: it is written without
 * fsync, a damaged line is ignored and recomputed, and deleting the file costs one slower login.
 * Only the session holding the {@link MaildropLock} reads or writes it.
 */
final class WireSizes {
  private static final Logger log = LoggerFactory.getLogger(WireSizes.class);
  static final String FILE_NAME = "pop3-sizes";

  private final Path file;
  private final Map<String, Long> sizes = new HashMap<>();
  private boolean dirty;

  private WireSizes(Path file) {
    this.file = file;
  }

  static WireSizes load(Path home) {
    WireSizes w = new WireSizes(home.resolve(FILE_NAME));
    try (BufferedReader r = Files.newBufferedReader(w.file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        int tab = line.lastIndexOf('\t');
        if (tab > 0) {
          try {
            w.sizes.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
          } catch (NumberFormatException e) {
            w.dirty = true;
          }
        }
      }
    } catch (NoSuchFileException e) {
      // first POP3 login of this user
    } catch (IOException e) {
      log.debug("pop3: ignoring unreadable {}: {}", w.file, e.toString());
      w.dirty = true;
    }
    return w;
  }

  /** The wire size of {@code base}, computed from its content when not known yet. */
  long size(String base, Supplier<Optional<MessageContent>> content, long fallback) {
    Long known = sizes.get(base);
    if (known != null) {
      return known;
    }
    try {
      Optional<MessageContent> c = content.get();
      if (c.isEmpty()) {
        return fallback; // expunged meanwhile; RETR will say so
      }
      try (MessageContent mc = c.get(); InputStream in = mc.stream()) {
        long s = MessageEncoder.size(in);
        sizes.put(base, s);
        dirty = true;
        return s;
      }
    } catch (IOException | StoreException e) {
      return fallback;
    }
  }

  /** Forgets messages no longer in the maildrop and writes the file when anything changed. */
  void save(Set<String> present) {
    if (sizes.keySet().retainAll(present)) {
      dirty = true;
    }
    if (!dirty) {
      return;
    }
    StringBuilder b = new StringBuilder(sizes.size() * 64);
    sizes.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      dirty = false;
    } catch (IOException e) {
      log.debug("pop3: cannot write {}: {}", file, e.toString());
    }
  }
}
