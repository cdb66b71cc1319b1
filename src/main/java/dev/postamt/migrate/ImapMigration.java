package dev.postamt.migrate;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code postamt migrate imap}: copies every folder of a mailbox on another IMAP server into a local
 * user's store, as imapsync does: folders, flags, keywords and INTERNALDATE; in batches of {@value
 * #BATCH} messages, each recorded in a {@link MigrationState} once stored, so an interrupted run resumes
 * where it stopped and a later run copies only new messages (0 when there are none) and brings the flags
 * of copied messages up to date. The source is only read (EXAMINE, {@code BODY.PEEK[]}: RFC 3501
 * §6.3.2, §6.4.5), so its {@code \Seen} flags stay as they are.
 */
public final class ImapMigration {
  static final int BATCH = 50;
  private static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

  /** One folder: messages on the source, copied by this run, and copies whose flags were brought up to date. */
  public record FolderResult(String folder, int sourceMessages, int copied, int flagsUpdated) {}

  public record Report(List<FolderResult> folders, List<String> notes) {
    public int copied() {
      return folders.stream().mapToInt(FolderResult::copied).sum();
    }

    public int flagsUpdated() {
      return folders.stream().mapToInt(FolderResult::flagsUpdated).sum();
    }
  }

  private ImapMigration() {}

  /**
   * @param stateDir where the progress of each (source, login, target) is kept, e.g. {@code data_dir/migrate}
   */
  public static Report run(MailStore store, String user, URI from, String login, String password, boolean insecure,
      Path stateDir) throws IOException {
    Path stateFile = stateDir.resolve(id(from + " " + login + " " + user) + ".state");
    MigrationState state = MigrationState.load(stateFile);
    List<FolderResult> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (ImapSource src = ImapSource.connect(from, insecure); Account acc = store.open(user)) {
      src.login(login, password);
      for (var f : folders(src).entrySet()) {
        String target = f.getValue();
        try {
          if (acc.mailbox(target).isEmpty()) {
            acc.create(target, Account.DEFAULT_FOLDERS.get(target));
          }
        } catch (StoreException e) {
          notes.add("folder " + f.getKey() + " skipped: " + e.getMessage());
          continue;
        }
        results.add(folder(src, acc, state, f.getKey(), target, notes));
      }
    }
    return new Report(results, notes);
  }

  private static String id(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 20);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Source folder name → our mailbox name, for every selectable folder (RFC 3501 §7.2.2). */
  private static Map<String, String> folders(ImapSource src) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<ImapSource.Response> list = src.command("LIST \"\" \"*\"");
    try {
      for (ImapSource.Response r : list) {
        List<Object> t = Tokens.parse(r.text());
        if (t.size() < 5 || !(t.get(1) instanceof Tokens.Atom a) || !a.value().equalsIgnoreCase("LIST")
            || !(t.get(2) instanceof Tokens.Group attrs)) {
          continue;
        }
        boolean selectable = attrs.items().stream().noneMatch(x -> x instanceof Tokens.Atom at
            && (at.value().equalsIgnoreCase("\\Noselect") || at.value().equalsIgnoreCase("\\NonExistent")));
        String delim = t.get(3) instanceof Tokens.Str d ? d.value() : null;
        String name = string(t.get(4), r);
        if (selectable && name != null) {
          String ours = decodeModifiedUtf7(name);
          if (delim != null && !delim.isEmpty() && !delim.equals("/")) {
            ours = ours.replace("/", "_").replace(delim, "/");
          }
          out.put(name, ours.equalsIgnoreCase("INBOX") ? "INBOX" : ours);
        }
      }
    } finally {
      list.forEach(ImapSource::closeQuietly);
    }
    return out;
  }

  private static String string(Object token, ImapSource.Response r) throws IOException {
    return switch (token) {
      case Tokens.Str s -> s.value();
      case Tokens.Atom a -> a.value();
      case Tokens.Lit l -> r.literals().get(l.index()).text();
      default -> null;
    };
  }

  private static FolderResult folder(ImapSource src, Account acc, MigrationState state, String name, String target,
      List<String> notes) throws IOException {
    long uidValidity = 0;
    long exists = 0;
    for (ImapSource.Response r : src.command("EXAMINE " + Tokens.quote(name))) {
      String t = r.text().toUpperCase(Locale.ROOT);
      int at = t.indexOf("[UIDVALIDITY ");
      if (at >= 0) {
        uidValidity = Long.parseLong(t.substring(at + 13, t.indexOf(']', at)).trim());
      } else if (t.endsWith(" EXISTS")) {
        exists = Long.parseLong(t.substring(2, t.length() - 7).trim());
      }
      ImapSource.closeQuietly(r);
    }
    Map<Long, Set<String>> sourceFlags = new TreeMap<>();
    if (exists > 0) {
      for (ImapSource.Response r : src.command("UID FETCH 1:* (UID FLAGS)")) {
        Fetched f = fetched(r);
        if (f != null && f.uid > 0) {
          sourceFlags.put(f.uid, f.flags);
        }
        ImapSource.closeQuietly(r);
      }
    }
    MailboxInfo mb = acc.mailbox(target).orElseThrow();
    MigrationState.Folder progress = state.folders.get(name);
    if (progress == null || progress.sourceUidValidity != uidValidity) {
      if (progress != null) {
        notes.add(name + ": its UIDVALIDITY changed on the source; copying it again");
      }
      progress = state.start(name, uidValidity, mb.uidValidity());
    }
    List<Long> todo = sourceFlags.keySet().stream().filter(u -> !state.folders.get(name).copied.containsKey(u)).toList();
    int copied = 0;
    for (int i = 0; i < todo.size(); i += BATCH) {
      List<Long> batch = todo.subList(i, Math.min(todo.size(), i + BATCH));
      StringBuilder set = new StringBuilder();
      batch.forEach(u -> set.append(set.isEmpty() ? "" : ",").append(u));
      Map<Long, Long> done = new LinkedHashMap<>();
      for (ImapSource.Response r : src.command("UID FETCH " + set + " (UID FLAGS INTERNALDATE BODY.PEEK[])")) {
        try (r) {
          Fetched f = fetched(r);
          if (f == null || f.body == null || f.uid <= 0) {
            continue;
          }
          try (InputStream in = f.body.open()) {
            done.put(f.uid, acc.append(target, in, f.body.size(), f.flags, f.internalDate).uid());
          }
        }
      }
      state.copied(name, done);
      copied += done.size();
    }
    int updated = 0;
    if (progress.targetUidValidity != mb.uidValidity()) {
      notes.add(name + ": the local mailbox " + target + " was renumbered; flags of earlier copies are not synchronised");
    } else {
      Map<Long, MessageRecord> ours = new TreeMap<>();
      for (MessageRecord m : acc.messages(mb.id())) {
        ours.put(m.uid(), m);
      }
      for (var e : state.folders.get(name).copied.entrySet()) {
        Set<String> want = sourceFlags.get(e.getKey());
        MessageRecord have = ours.get(e.getValue());
        if (want != null && have != null && !same(want, have.flags())) {
          acc.store(mb.id(), List.of(have.uid()), Account.FlagMode.REPLACE, want);
          updated++;
        }
      }
    }
    return new FolderResult(target, sourceFlags.size(), copied, updated);
  }

  private static boolean same(Set<String> a, Set<String> b) {
    TreeSet<String> x = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    x.addAll(a);
    TreeSet<String> y = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    y.addAll(b);
    return x.equals(y);
  }

  /** The parts of one FETCH response this needs. */
  private static final class Fetched {
    long uid;
    Set<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    long internalDate = System.currentTimeMillis();
    Literal body;
  }

  private static Fetched fetched(ImapSource.Response r) throws IOException {
    List<Object> t = Tokens.parse(r.text());
    if (t.size() < 4 || !(t.get(2) instanceof Tokens.Atom a) || !a.value().equalsIgnoreCase("FETCH")
        || !(t.get(3) instanceof Tokens.Group items)) {
      return null;
    }
    Fetched f = new Fetched();
    List<Object> x = items.items();
    for (int i = 0; i + 1 < x.size(); i += 2) {
      if (!(x.get(i) instanceof Tokens.Atom key)) {
        continue;
      }
      Object v = x.get(i + 1);
      switch (key.value().toUpperCase(Locale.ROOT)) {
        case "UID" -> f.uid = v instanceof Tokens.Atom u ? Long.parseLong(u.value()) : 0;
        case "FLAGS" -> {
          if (v instanceof Tokens.Group g) {
            for (Object o : g.items()) {
              if (o instanceof Tokens.Atom fl && !fl.value().equalsIgnoreCase("\\Recent") && !fl.value().equals("\\*")) {
                f.flags.add(fl.value());
              }
            }
          }
        }
        case "INTERNALDATE" -> {
          if (v instanceof Tokens.Str s) {
            try {
              f.internalDate = ZonedDateTime.parse(s.value().trim(), INTERNALDATE).toInstant().toEpochMilli();
            } catch (java.time.format.DateTimeParseException unreadable) {
              // keep "now"
            }
          }
        }
        case "BODY[]" -> {
          if (v instanceof Tokens.Lit l) {
            f.body = r.literals().get(l.index());
          } else if (v instanceof Tokens.Str s) {
            Literal small = new Literal();
            byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
            small.read(new java.io.ByteArrayInputStream(b), b.length);
            f.body = small;
            r.literals().add(small);
          }
        }
        default -> {}
      }
    }
    return f;
  }

  /** A mailbox name in IMAP's modified UTF-7 (RFC 3501 §5.1.3) as a Java string. */
  static String decodeModifiedUtf7(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int end = c == '&' ? s.indexOf('-', i) : -1;
      if (end < 0) {
        b.append(c);
        continue;
      }
      if (end == i + 1) {
        b.append('&');
      } else {
        String enc = s.substring(i + 1, end).replace(',', '/');
        try {
          b.append(new String(Base64.getDecoder().decode(enc + "===".substring(0, (4 - enc.length() % 4) % 4)),
              StandardCharsets.UTF_16BE));
        } catch (IllegalArgumentException notUtf7) {
          b.append(s, i, end + 1);
        }
      }
      i = end;
    }
    return b.toString();
  }
}
