package dev.postamt.mda;

import dev.postamt.config.Sieve;
import dev.postamt.sieve.Diagnostic;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.SieveLimits;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.ext.Extensions;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which scripts run for a user, compiled once and cached: the administrator's {@code [sieve] before}
 * scripts, then the user's active script (or, without one, {@link #DEFAULT_SCRIPT}), then the {@code
 * after} scripts, as Pigeonhole's sieve_before / sieve_after. A user's compiled script is reused until
 * {@link SieveScripts#version} changes; an administrator script until its file's mtime or size does.
 * A script that does not compile is part of the sequence as an error (delivery then keeps the message).
 */
public final class ScriptSequence {
  /** Runs when a user has no active script: mail the spam filter marked goes to Junk. */
  public static final String DEFAULT_SCRIPT = """
      require ["fileinto", "mailbox", "special-use"];
      if anyof (header :is "X-Spam-Flag" "YES", header :is "X-Spam-Status" "Yes",
                header :matches "X-Spam-Status" "Yes,*") {
        fileinto :specialuse "\\\\Junk" :create "Junk";
      }
      """;
  static final String DEFAULT_NAME = "default";
  private static final int MAX_CACHED_USERS = 10_000;

  /**
   * One script of the sequence: compiled, or the compile error (first line of it in {@code line}).
   *
   * @param personal the user's own script (errors are recorded for the user to see)
   */
  public record Entry(String name, SieveScript script, String error, int line, boolean personal) {
    public boolean broken() {
      return script == null;
    }
  }

  private record Cached<K>(K stamp, Entry entry) {}

  private record FileStamp(long mtime, long size) {}

  private final Sieve config;
  private final SieveScripts scripts;
  private final SieveLimits limits;
  private final SieveCompiler compiler;
  private final Map<Path, Cached<FileStamp>> adminCache = new ConcurrentHashMap<>();
  private final Map<String, Cached<Long>> userCache = new ConcurrentHashMap<>();
  private final Entry defaultEntry;
  private volatile AdminScripts admins;
  /** The users' vacation replies, run before their own scripts; null: none. */
  private volatile dev.postamt.sieve.store.Vacations vacations;
  private final Map<String, Cached<dev.postamt.sieve.store.Vacations.Vacation>> vacationCache = new ConcurrentHashMap<>();
  static final long RECHECK_NANOS = 1_000_000_000L;

  /** @param scripts the users' scripts; null when there is no script store (before/after and the default only) */
  public ScriptSequence(Sieve config, SieveScripts scripts) {
    this.config = config;
    this.scripts = scripts;
    this.limits = limits(config);
    this.compiler = Extensions.standardCompiler().withLimits(limits);
    this.defaultEntry = compile(compiler, DEFAULT_NAME, DEFAULT_SCRIPT, false);
  }

  /** The interpreter limits of {@code [sieve]}. */
  public static SieveLimits limits(Sieve c) {
    SieveLimits d = SieveLimits.DEFAULTS;
    return new SieveLimits((int) Math.min(Integer.MAX_VALUE, c.maxScriptSize()), d.maxNestingDepth(),
        d.maxStringLength(), d.maxErrors(), d.maxSteps(), c.maxCpuTime(), c.maxRedirects(), c.maxActions(),
        c.maxIncludeDepth(), d.maxVariables(), d.maxVariableSize());
  }

  public SieveLimits limits() {
    return limits;
  }

  public Sieve config() {
    return config;
  }

  /** The scripts to run for {@code user}, in order. */
  public List<Entry> forUser(String user) throws SieveStoreException {
    AdminScripts a = adminScripts();
    List<Entry> out = new ArrayList<>(a.before().size() + 1 + a.after().size());
    out.addAll(a.before());
    vacation(user).ifPresent(out::add);
    out.add(personal(user));
    out.addAll(a.after());
    return out;
  }

  private record AdminScripts(List<Entry> before, List<Entry> after, long checkedAt) {}

  /**
   * The administrator's scripts, looked at (directory listings, file stamps) at most once per
   * {@link #RECHECK_NANOS}: a changed file is picked up within a second, and a busy server does not pay
   * a few system calls per message for it.
   */
  private AdminScripts adminScripts() {
    AdminScripts a = admins;
    long now = System.nanoTime();
    if (a != null && now - a.checkedAt() < RECHECK_NANOS) {
      return a;
    }
    List<Entry> before = new ArrayList<>();
    expand(config.before()).forEach(p -> before.add(admin(p)));
    List<Entry> after = new ArrayList<>();
    expand(config.after()).forEach(p -> after.add(admin(p)));
    a = new AdminScripts(List.copyOf(before), List.copyOf(after), now);
    admins = a;
    return a;
  }

  /** Takes the users' vacation replies ({@link VacationScript}); null: none. */
  public void useVacations(dev.postamt.sieve.store.Vacations v) {
    this.vacations = v;
  }

  /**
   * The vacation script of a user whose reply is on now. When the settings cannot be read the message
   * is delivered without it (a missed auto-reply, never a deferred or lost message).
   */
  private Optional<Entry> vacation(String user) {
    dev.postamt.sieve.store.Vacations store = vacations;
    if (store == null) {
      return Optional.empty();
    }
    dev.postamt.sieve.store.Vacations.Vacation v;
    try {
      v = store.get(user);
    } catch (SieveStoreException e) {
      org.slf4j.LoggerFactory.getLogger(ScriptSequence.class).warn("sieve: user={}: cannot read the vacation reply: {}",
          user, e.getMessage());
      return Optional.empty();
    }
    if (!v.activeAt(java.time.Instant.now())) {
      return Optional.empty();
    }
    Cached<dev.postamt.sieve.store.Vacations.Vacation> c = vacationCache.get(user);
    if (c != null && c.stamp().equals(v)) {
      return Optional.of(c.entry());
    }
    Entry e = compile(compiler, VacationScript.NAME, VacationScript.of(v, List.of()), false);
    if (vacationCache.size() > MAX_CACHED_USERS) {
      vacationCache.clear();
    }
    vacationCache.put(user, new Cached<>(v, e));
    return Optional.of(e);
  }

  private Entry personal(String user) throws SieveStoreException {
    if (scripts == null) {
      return defaultEntry;
    }
    long version = scripts.version(user);
    Cached<Long> c = userCache.get(user);
    if (c != null && c.stamp() == version) {
      return c.entry();
    }
    Optional<SieveScripts.Script> active = scripts.active(user);
    Entry e;
    if (active.isEmpty()) {
      e = defaultEntry;
    } else {
      ScriptLoader loader = (name, location) -> {
        if (location != ScriptLoader.Location.PERSONAL) {
          return Optional.empty(); // no global script directory configured
        }
        try {
          return scripts.get(user, name).map(SieveScripts.Script::text);
        } catch (SieveStoreException ex) {
          return Optional.empty();
        }
      };
      e = compile(compiler.withLoader(loader), active.get().name(), active.get().text(), true);
    }
    if (userCache.size() > MAX_CACHED_USERS) {
      userCache.clear();
    }
    userCache.put(user, new Cached<>(version, e));
    return e;
  }

  private Entry admin(Path file) {
    FileStamp stamp;
    try {
      stamp = new FileStamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
    } catch (IOException e) {
      return new Entry(file.toString(), null, "cannot read the script: " + e.getMessage(), 0, false);
    }
    Cached<FileStamp> c = adminCache.get(file);
    if (c != null && c.stamp().equals(stamp)) {
      return c.entry();
    }
    Entry e;
    try {
      e = compile(compiler, file.toString(), Files.readString(file, StandardCharsets.UTF_8), false);
    } catch (IOException ex) {
      e = new Entry(file.toString(), null, "cannot read the script: " + ex.getMessage(), 0, false);
    }
    adminCache.put(file, new Cached<>(stamp, e));
    return e;
  }

  /** Compiles a script given as text (for {@code sieve test} and tests). */
  public Entry compile(String name, String text) {
    return compile(compiler, name, text, true);
  }

  private Entry compile(SieveCompiler c, String name, String text, boolean personal) {
    if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxScriptBytes()) {
      return new Entry(name, null, "script is larger than max_script_size (" + limits.maxScriptBytes() + " bytes)", 0,
          personal);
    }
    try {
      return new Entry(name, c.compile(name, text), null, 0, personal);
    } catch (SieveCompileException e) {
      Diagnostic first = e.errors().isEmpty() ? null : e.errors().getFirst();
      return new Entry(name, null, first == null ? e.getMessage() : first.message(),
          first == null || first.at() == null ? 0 : first.at().line(), personal);
    }
  }

  /** Files as given; a directory stands for its {@code *.sieve} files in name order. */
  static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.sieve")) {
          ds.forEach(files::add);
        } catch (IOException e) {
          continue; // unreadable now: runs again when it is readable
        }
        files.sort(null);
        out.addAll(files);
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
