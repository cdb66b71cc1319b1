package dev.postamt.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Maildir++ tree as other programs write it (Dovecot, Courier, mutt, offlineimap): INBOX is the root
 * ({@code cur/ new/}), a folder {@code a/b} is {@code .a.b} ({@code %2E} for a dot inside a level, as
 * Postamt writes it). Message files are {@code <unique>:2,<info>}: the system flags as the letters
 * {@code D F R S T} of the Maildir spec, keywords as the letters {@code a}–{@code z} that Dovecot's
 * {@code dovecot-keywords} file (one {@code <index> <keyword>} a line) names. The INTERNALDATE is the
 * file's modification time. Reading and writing is ours because this is an external format: the
 * store's own Maildir is the store's business.
 */
final class MaildirFormat {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final String KEYWORDS = "dovecot-keywords";

  private MaildirFormat() {}

  /** One message file of a folder. */
  record Entry(Path file, Set<String> flags, long internalDate) {}

  /** The folders of a Maildir++ tree: name → directory, INBOX first. */
  static Map<String, Path> folders(Path root) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    if (Files.isDirectory(root.resolve("cur")) || Files.isDirectory(root.resolve("new"))) {
      out.put("INBOX", root);
    }
    List<Path> subs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".?*")) {
      ds.forEach(subs::add);
    }
    subs.sort(null);
    for (Path p : subs) {
      String n = p.getFileName().toString();
      if (n.length() > 1 && !n.equals("..") && Files.isDirectory(p.resolve("cur"))) {
        List<String> levels = new ArrayList<>();
        for (String level : n.substring(1).split("\\.", -1)) {
          levels.add(level.replace("%2E", ".").replace("%2e", ".").replace("%25", "%"));
        }
        String name = String.join("/", levels);
        out.put(name.equalsIgnoreCase("INBOX") ? "INBOX" : name, p);
      }
    }
    return out;
  }

  /** The messages of a folder in arrival order (modification time, then name). */
  static List<Entry> messages(Path root, Path folder) throws IOException {
    Map<Character, String> keywords = readKeywords(root);
    List<Entry> out = new ArrayList<>();
    for (String sub : List.of("cur", "new")) {
      Path d = folder.resolve(sub);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, Files::isRegularFile)) {
        for (Path f : ds) {
          String n = f.getFileName().toString();
          if (n.startsWith(".")) {
            continue;
          }
          Set<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
          int info = n.indexOf(":2,");
          if (info >= 0) {
            for (char c : n.substring(info + 3).toCharArray()) {
              switch (c) {
                case 'D' -> flags.add("\\Draft");
                case 'F' -> flags.add("\\Flagged");
                case 'R' -> flags.add("\\Answered");
                case 'S' -> flags.add("\\Seen");
                case 'T' -> flags.add("\\Deleted");
                default -> {
                  if (keywords.containsKey(c)) {
                    flags.add(keywords.get(c));
                  }
                }
              }
            }
          }
          out.add(new Entry(f, flags, Files.getLastModifiedTime(f).toMillis()));
        }
      }
    }
    out.sort(Comparator.comparingLong(Entry::internalDate).thenComparing(e -> e.file().getFileName().toString()));
    return out;
  }

  private static Map<Character, String> readKeywords(Path root) throws IOException {
    Map<Character, String> out = new LinkedHashMap<>();
    Path f = root.resolve(KEYWORDS);
    if (Files.isRegularFile(f)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String[] p = line.trim().split(" ", 2);
        if (p.length == 2 && p[0].matches("\\d{1,2}") && Integer.parseInt(p[0]) < 26) {
          out.put((char) ('a' + Integer.parseInt(p[0])), p[1].trim());
        }
      }
    }
    return out;
  }

  /** Writes a Maildir++ tree; {@link #close} writes the keyword file. */
  static final class Writer implements AutoCloseable {
    private final Path root;
    private final List<String> keywords = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Writer(Path root) {
      this.root = root;
    }

    Path folder(String mailbox) throws IOException {
      Path dir = root;
      if (!mailbox.equalsIgnoreCase("INBOX")) {
        StringBuilder b = new StringBuilder();
        for (String level : mailbox.split("/", -1)) {
          b.append('.').append(level.replace("%", "%25").replace(".", "%2E"));
        }
        dir = root.resolve(b.toString());
      }
      for (String sub : List.of("cur", "new", "tmp")) {
        Files.createDirectories(dir.resolve(sub));
      }
      if (dir != root && !Files.exists(dir.resolve("maildirfolder"))) {
        Files.createFile(dir.resolve("maildirfolder"));
      }
      return dir;
    }

    /** Writes one message into {@code cur/} of {@code folder}: tmp/ first, then renamed; returns the file. */
    Path write(Path folder, InputStream content, long size, Set<String> flags, long internalDate) throws IOException {
      long now = System.currentTimeMillis();
      String base = (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + ProcessHandle.current().pid() + "Q"
          + COUNTER.incrementAndGet() + ".postamt-export,S=" + size;
      Path tmp = folder.resolve("tmp").resolve(base);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.transferTo(out);
      }
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(internalDate));
      Path target = folder.resolve("cur").resolve(base + ":2," + letters(flags));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    }

    private String letters(Set<String> flags) {
      StringBuilder b = new StringBuilder();
      if (MboxWriter.has(flags, "\\Draft")) b.append('D');
      if (MboxWriter.has(flags, "\\Flagged")) b.append('F');
      if (MboxWriter.has(flags, "\\Answered")) b.append('R');
      if (MboxWriter.has(flags, "\\Seen")) b.append('S');
      if (MboxWriter.has(flags, "\\Deleted")) b.append('T');
      TreeSet<Character> kw = new TreeSet<>();
      for (String f : flags) {
        if (f.startsWith("\\")) {
          continue;
        }
        int i = indexOfIgnoreCase(f);
        if (i < 0 && keywords.size() < 26) {
          keywords.add(f);
          i = keywords.size() - 1;
        }
        if (i < 0) {
          notes.add("keyword " + f + " not written: Maildir has letters for only 26 keywords");
        } else {
          kw.add((char) ('a' + i));
        }
      }
      kw.forEach(b::append);
      return b.toString();
    }

    private int indexOfIgnoreCase(String k) {
      for (int i = 0; i < keywords.size(); i++) {
        if (keywords.get(i).equalsIgnoreCase(k)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public void close() throws IOException {
      if (!keywords.isEmpty()) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keywords.size(); i++) {
          b.append(i).append(' ').append(keywords.get(i)).append('\n');
        }
        Files.writeString(root.resolve(KEYWORDS), b, StandardCharsets.UTF_8);
      }
    }
  }
}
