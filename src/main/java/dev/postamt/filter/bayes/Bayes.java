package dev.postamt.filter.bayes;

import dev.postamt.config.Config;
import dev.postamt.config.Spam;
import dev.postamt.filter.Check;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bayes classifier as a {@link Check}, and its training: {@link #learn}, {@link #forget} and {@link
 * #autolearn}. Tokens come from the {@link Tokenizer}, counts from a {@link BayesStore}, the arithmetic
 * is the {@link Classifier}'s.
 *
 * <p>Scopes: with {@code spam.bayes_per_user} a message is classified with its user's own database (the
 * first local recipient, {@link ScanInput#user()}), or the global one while the user has learned fewer
 * than {@code spam.bayes_min_learned} of each kind; otherwise always with the global one. No symbol is
 * given until the chosen database holds {@code bayes_min_learned} spam and ham, or when none of the
 * message's tokens is significant (SpamAssassin does the same).
 *
 * <p>Tokens not learned for {@code spam.bayes_token_ttl} are expired when the store is opened and then
 * once a day, in the background, after a scan or a learn noticed it is due.
 */
public final class Bayes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Bayes.class);

  /**
   * Default scores of the Bayes bands: SpamAssassin's (50_scores.cf, network tests off, Bayes on), but
   * for the top three, where ours give Bayes more weight (the shipped 50-scores.cf says why).
   */
  public static final Map<String, Double> SCORES = Map.ofEntries(
      Map.entry("BAYES_00", -1.9),
      Map.entry("BAYES_05", -0.5),
      Map.entry("BAYES_20", -0.001),
      Map.entry("BAYES_40", -0.001),
      Map.entry("BAYES_50", 0.8),
      Map.entry("BAYES_60", 1.5),
      Map.entry("BAYES_80", 2.0),
      Map.entry("BAYES_95", 3.5),
      Map.entry("BAYES_99", 4.0),
      Map.entry("BAYES_999", 1.0));

  /** Whether a symbol is one of Bayes' own (left out of the score autolearn looks at). */
  public static boolean ownSymbol(dev.postamt.filter.Symbol s) {
    return s.name().startsWith("BAYES_");
  }

  private final Spam config;
  private final BayesStore store;
  private final Clock clock;
  private final AtomicReference<Instant> nextExpiry = new AtomicReference<>(Instant.MIN);

  public Bayes(Spam config, BayesStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Opens the counts {@code config} names (PostgreSQL when {@code [database] url} is set, else
   * {@code data_dir/bayes.db}) and expires stale tokens.
   */
  public static Bayes open(Config config) throws IOException {
    BayesStore store = config.database().postgres().isPresent()
        ? PgBayesStore.open(pgDatabase(config))
        : SqliteBayesStore.open(config.dataDir());
    Bayes b = new Bayes(config.spam(), store, Clock.systemUTC());
    b.expireIfDue(false);
    return b;
  }

  private static dev.postamt.postgres.PgDatabase pgDatabase(Config config) throws IOException {
    try {
      return dev.postamt.postgres.PgDatabase.of(config.database());
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  public BayesStore store() {
    return store;
  }

  /** The scope of a user's own database (null or blank: the global one). */
  public String scopeOf(String user) {
    return user != null && !user.isBlank() ? user.strip().toLowerCase(Locale.ROOT) : BayesStore.GLOBAL;
  }

  /** Adds one {@code BAYES_*} band symbol (and {@code BAYES_999} from 0.999 on) when Bayes can say something. */
  public Check check() {
    return (in, out) -> {
      if (!config.bayes()) {
        return;
      }
      String scope = classifyingScope(in.user());
      if (scope == null) {
        return;
      }
      BayesStore.Counts n = store.messages(scope);
      long[] tokens = Tokenizer.tokens(in.message());
      int[] spam = new int[tokens.length];
      int[] ham = new int[tokens.length];
      store.tokens(scope, tokens, spam, ham);
      Classifier.Result r = Classifier.classify(spam, ham, tokens.length, n.spam(), n.ham());
      expireIfDue(true);
      if (r.used() == 0) {
        return;
      }
      String whose = scope.isEmpty() ? "" : " (" + scope + "'s own)";
      String reason = String.format(Locale.ROOT, "Bayes spam probability %.3f from %d tokens%s", r.probability(),
          r.used(), whose);
      String band = Classifier.band(r.probability());
      out.add(band, SCORES.get(band), reason);
      if (r.probability() >= 0.999) {
        out.add("BAYES_999", SCORES.get("BAYES_999"), reason);
      }
    };
  }

  /** The scope to classify with, or null while no database has learned enough. */
  private String classifyingScope(String user) throws IOException {
    if (config.bayesPerUser() && user != null) {
      String scope = scopeOf(user);
      if (enough(store.messages(scope))) {
        return scope;
      }
    }
    return enough(store.messages(BayesStore.GLOBAL)) ? BayesStore.GLOBAL : null;
  }

  private boolean enough(BayesStore.Counts c) {
    int min = Math.max(1, config.bayesMinLearned());
    return c.spam() >= min && c.ham() >= min;
  }

  /** Learns {@code m} as spam or ham for {@code user} (null: the global database). */
  public void learn(ScannedMessage m, boolean spam, String user) throws IOException {
    teach(m, spam, user);
  }

  /** {@link #learn}, telling what it did. */
  public BayesStore.Outcome teach(ScannedMessage m, boolean spam, String user) throws IOException {
    BayesStore.Outcome o = store.learn(scopeOf(user), digest(m), Tokenizer.tokens(m), spam, false, clock.instant());
    expireIfDue(true);
    return o;
  }

  /** Takes {@code m} out of {@code user}'s database (null: the global one). */
  public void forget(ScannedMessage m, String user) throws IOException {
    unlearn(m, user);
  }

  /** {@link #forget}, telling what it did. */
  public BayesStore.Outcome unlearn(ScannedMessage m, String user) throws IOException {
    return store.forget(scopeOf(user), digest(m), Tokenizer.tokens(m));
  }

  /**
   * Learns an inbound message whose score without Bayes' own symbols is at least {@code
   * spam.autolearn_spam} as spam, at most {@code spam.autolearn_ham} as ham; never outbound mail, and
   * never a message already learned (a person's decision stands). It goes to the global database and,
   * with {@code bayes_per_user}, to each local recipient's.
   */
  public void autolearn(ScanInput in, double scoreWithoutBayes) throws IOException {
    if (!config.autolearn() || !config.bayes() || in.outbound()) {
      return;
    }
    boolean spam = scoreWithoutBayes >= config.autolearnSpam();
    if (!spam && scoreWithoutBayes > config.autolearnHam()) {
      return;
    }
    String digest = digest(in.message());
    long[] tokens = Tokenizer.tokens(in.message());
    Instant now = clock.instant();
    store.learn(BayesStore.GLOBAL, digest, tokens, spam, true, now);
    if (config.bayesPerUser()) {
      List<String> users = in.localRecipients();
      for (String u : users.subList(0, Math.min(users.size(), 50))) {
        store.learn(scopeOf(u), digest, tokens, spam, true, now);
      }
    }
  }

  /** Figures of {@code user}'s database (null: the global one). */
  public BayesStore.Stats stats(String user) throws IOException {
    return store.stats(scopeOf(user));
  }

  /**
   * A message's identity for learning: SHA-256 of its Message-ID and its body (CRs left out, so the
   * same message stored with CRLF or LF line ends is the same), 128 bits in hex. Headers added on the
   * way (Received, X-Spam-*) do not change it.
   */
  public static String digest(ScannedMessage m) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(m.first("Message-ID").strip().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      byte[] raw = m.raw();
      int from = Math.min(raw.length, Math.max(0, m.root().bodyStart()));
      byte[] buf = new byte[8192];
      int n = 0;
      for (int i = from; i < raw.length; i++) {
        if (raw[i] != '\r') {
          buf[n++] = raw[i];
          if (n == buf.length) {
            sha.update(buf, 0, n);
            n = 0;
          }
        }
      }
      sha.update(buf, 0, n);
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Expires stale tokens when a day has passed since the last time; {@code background} runs it on a virtual thread. */
  void expireIfDue(boolean background) {
    Instant now = clock.instant();
    Instant due = nextExpiry.get();
    if (now.isBefore(due) || !nextExpiry.compareAndSet(due, now.plus(Duration.ofDays(1)))) {
      return;
    }
    Runnable expire = () -> {
      try {
        int n = store.expire(now.minus(config.bayesTokenTtl()));
        if (n > 0) {
          log.info("bayes: expired {} tokens not learned for {}", n, config.bayesTokenTtl());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("bayes: expiry failed: {}", e.getMessage());
      }
    };
    if (background) {
      Thread.ofVirtual().name("bayes-expiry").start(expire);
    } else {
      expire.run();
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
