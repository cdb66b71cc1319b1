package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Address;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.dns.Resolver;
import dev.postamt.dns.Resolvers;
import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.spf.SpfResult;
import dev.postamt.mailauth.spf.SpfVerifier;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every administrative operation of a Postamt installation, written once: local domains, users with
 * their passwords and quotas, aliases, DKIM keys, the inbound checks and reloading the running
 * server; the queue through {@link
 * #queue()} and the mail store through {@link #mailboxes()}. The CLI and the web console are thin
 * callers. Each operation opens what it needs and closes it again, so it works whether or not the
 * server runs, and the server sees a change at once.
 *
 * <p>Operations return typed results (names come back normalised, as stored) or throw {@link
 * AdminException} with a one-line message.
 */
public final class Admin {
  private final Config config;

  public Admin(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /** {@code postamt queue …}. */
  public QueueOperations queue() {
    return new QueueOperations(config);
  }

  /** {@code postamt quarantine …}. */
  public QuarantineAdmin quarantine() {
    return new QuarantineAdmin(config);
  }

  /** {@code postamt archive …}: the compliance journal. */
  public ArchiveAdmin archive() {
    return new ArchiveAdmin(config, java.time.Clock.systemUTC());
  }

  /** {@code postamt archive …} at {@code clock}'s time (tests of the retention sweep). */
  public ArchiveAdmin archive(java.time.Clock clock) {
    return new ArchiveAdmin(config, clock);
  }

  /** {@code postamt backup}, {@code backup verify}, {@code restore}. */
  public BackupAdmin backups() {
    return new BackupAdmin(config);
  }

  /** {@code postamt migrate --to|--from postgresql://…}. */
  public DatabaseMigration databaseMigration() {
    return new DatabaseMigration(config);
  }

  /** {@code postamt import}, {@code export} and {@code migrate imap}: mail in and out of a user's store. */
  public TransferAdmin transfers() {
    return new TransferAdmin(this);
  }

  /** {@code postamt ban list|add|remove}: the ban list every protocol enforces. */
  public BanAdmin bans() {
    return new BanAdmin(config);
  }

  /** The greylist's triplets (admin console). */
  public GreylistAdmin greylist() {
    return new GreylistAdmin(config);
  }

  /** {@code postamt status}, {@code who} and {@code kick}: the running server, asked. */
  public RunningServer server() {
    return new RunningServer(config);
  }

  /** {@code postamt sieve …}: users' Sieve scripts. */
  public SieveAdmin sieve() {
    return new SieveAdmin(config);
  }

  /** {@code postamt spam learn|stats}: Bayes and the checksums of known spam. */
  public SpamAdmin spam() {
    return new SpamAdmin(config);
  }

  /** {@code postamt spam scan}: verdicts for stored messages, a dry run. */
  public SpamScan spamScan() {
    return new SpamScan(config, resolver());
  }

  /** {@code postamt search reindex}: the full-text indexes. */
  public SearchAdmin search() {
    return new SearchAdmin(config);
  }

  /** {@code postamt store …}, and every other use of the mail store. */
  public MailboxAdmin mailboxes() {
    return new MailboxAdmin(config);
  }

  /** {@code postamt mailbox …}: shared mailboxes and send-as grants. */
  public ShareAdmin shares() {
    return new ShareAdmin(config);
  }

  // ---- domains

  /** Adds a local domain; returns its normalised name. */
  public String addDomain(String name) {
    changeDirectory(dir -> dir.addDomain(name));
    return domain(name);
  }

  /**
   * Like {@link #addDomain(String)}, but a single-label name ({@code localdomain}) only with {@code
   * force}: other hosts cannot send to it and many clients refuse such addresses, so it is almost always
   * a typo or a leftover from {@code /etc/hosts}.
   */
  public String addDomain(String name, boolean force) {
    String d = domain(name);
    if (!force && !d.isEmpty() && d.indexOf('.') < 0) { // an invalid name gets the directory's error
      throw new AdminException("\"" + d + "\" is a single-label name: no other host can send mail to it and"
          + " many mail clients refuse its addresses; use a full name like " + d + ".example.org, or --force");
    }
    return addDomain(name);
  }

  public List<String> domains() {
    return withDirectory(Directory::domains);
  }

  /** Removes a local domain that has no users or aliases left; returns its normalised name. */
  public String removeDomain(String name) {
    changeDirectory(dir -> dir.removeDomain(name));
    return domain(name);
  }

  /** Whether {@code name} is a local domain. */
  public boolean isLocalDomain(String name) {
    return withDirectory(dir -> dir.isLocalDomain(name));
  }

  /**
   * {@code postamt domain dns DOMAIN}: every DNS record the local domain needs, and whether it is
   * published, asked of the configured resolver ({@link DomainDns}).
   */
  public List<DomainDns.Record> domainDns(String name) {
    String d = domain(name);
    if (!isLocalDomain(d)) {
      throw new AdminException("not a local domain: " + d);
    }
    List<dev.postamt.mailauth.dkim.SigningKey> keys;
    try {
      keys = DkimKeys.load(config.dataDir(), d);
    } catch (IOException | IllegalArgumentException e) {
      throw new AdminException("DKIM keys of " + d + ": " + e.getMessage(), e);
    }
    return DomainDns.check(config, resolver(), d, keys);
  }

  /** The DKIM signing keys of a local domain, newest first. */
  public List<DkimKeyInfo> dkimKeys(String name) {
    String d = domain(name);
    try {
      List<DkimKeyInfo> out = new ArrayList<>();
      for (dev.postamt.mailauth.dkim.SigningKey k : DkimKeys.load(config.dataDir(), d)) {
        String txt;
        try {
          txt = DkimKeys.txtRecord(k.algorithm(), DkimKeys.publicKey(k.key()));
        } catch (java.security.GeneralSecurityException e) {
          txt = "(cannot derive the public key: " + e.getMessage() + ")";
        }
        out.add(new DkimKeyInfo(d, k.selector(), k.algorithm().keyType(), k.selector() + "._domainkey." + d, txt));
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      throw new AdminException("DKIM keys of " + d + ": " + e.getMessage(), e);
    }
  }

  /** A signing key as listed: never the private half. */
  public record DkimKeyInfo(String domain, String selector, String algorithm, String dnsName, String txt) {}

  // ---- postmaster

  /**
   * One line saying where mail to {@code postmaster} goes (RFC 5321 §4.5.1), for {@code config check}
   * and start-up. Does not create the data directory when there is none yet.
   */
  public String postmaster() {
    String address = config.queue().postmaster().indexOf('@') < 0
        ? "postmaster@" + config.hostname() : config.queue().postmaster();
    String prefix = "postmaster: mail to postmaster (postmaster@" + config.hostname() + " and every local domain"
        + " without its own alias) goes to ";
    if (!Files.isDirectory(config.dataDir())) {
      return prefix + (address.regionMatches(true, 0, "postmaster@", 0, 11)
          ? "the first user (none yet: data_dir " + config.dataDir() + " does not exist)" : address);
    }
    return withDirectory(dir -> {
      Router router = new Router(dir, config);
      return switch (router.resolve("postmaster")) {
        case Resolution.Local l -> prefix + String.join(", ", l.destinations().stream().map(Admin::describe).toList());
        case Resolution.Unknown u -> prefix + "nowhere yet (" + u.reason() + "); it is refused until then";
        case Resolution.TempFail t -> prefix + "nowhere for now: " + t.reason();
        case Resolution.NotLocal n -> prefix + "nowhere: the hostname is not ours"; // cannot happen
      };
    });
  }

  private static String describe(Destination d) {
    return switch (d) {
      case Destination.Mailbox m -> m.user();
      case Destination.Remote r -> r.address() + " (remote)";
      case Destination.Pipe p -> "|" + p.command();
      case Destination.File f -> f.path().toString();
    };
  }

  // ---- users

  /** A new user and where their mail goes. */
  public record AddedUser(String address, String maildir) {}

  /** A removed user, and where their mail stays on disk when there is any. */
  public record RemovedUser(String address, Optional<Path> mailKept) {}

  /** Adds a user and creates their Maildir. {@code password} is cleared once used. */
  public AddedUser addUser(String address, char[] password) {
    try {
      changeDirectory(dir -> dir.addUser(address, password));
    } finally {
      Arrays.fill(password, '\0');
    }
    String user = address(address);
    MailboxAdmin mailboxes = mailboxes();
    try {
      return new AddedUser(user, mailboxes.createMailbox(user));
    } catch (IOException e) {
      throw new AdminException(
          "added user " + user + " but cannot create " + mailboxes.location(user) + ": " + e.getMessage(), e);
    }
  }

  public List<String> users() {
    return withDirectory(Directory::users);
  }

  /** Sets a user's password; returns the normalised address. {@code password} is cleared once used. */
  public String setPassword(String address, char[] password) {
    try {
      changeDirectory(dir -> dir.setPassword(address, password));
    } finally {
      Arrays.fill(password, '\0');
    }
    return address(address);
  }

  /** Removes a user; their mail stays on disk until someone deletes it. */
  public RemovedUser removeUser(String address) {
    changeDirectory(dir -> dir.removeUser(address));
    String user = address(address);
    return new RemovedUser(user, mailboxes().keptMail(user));
  }

  /** A user as the console lists them. */
  public record Account(String address, boolean disabled, AccountSecurity.Roles roles) {}

  /** Every user with whether they are disabled and their administrator role, in one directory read. */
  public List<Account> accounts() {
    return withDirectory(dir -> {
      List<Account> out = new ArrayList<>();
      for (String u : dir.users()) {
        out.add(new Account(u, dir.security().disabled(u), dir.security().roles(u)));
      }
      return out;
    });
  }

  /** One user, or an error when there is no such user. */
  public Account account(String address) {
    return withDirectory(dir -> {
      if (!dir.userExists(address)) {
        throw new AdminException("user " + address(address) + " does not exist");
      }
      String u = address(address);
      return new Account(u, dir.security().disabled(u), dir.security().roles(u));
    });
  }

  /**
   * {@code postamt user disable|enable}: a disabled user cannot log in anywhere (their web sessions end
   * at the next request) but still receives mail. Returns the normalised address.
   */
  public String setDisabled(String address, boolean disabled) {
    changeDirectory(dir -> dir.security().setDisabled(address, disabled));
    return address(address);
  }

  /**
   * {@code postamt user admin ADDRESS [--domain D] [--remove]}: grants or takes away the administrator
   * role, of every domain (no {@code domain}) or of one local domain. Returns the roles after.
   *
   * @param domain null for every domain
   */
  public AccountSecurity.Roles setAdmin(String address, String domain, boolean grant) {
    return withDirectory(dir -> {
      if (!dir.userExists(address)) {
        throw new AdminException("user " + address(address) + " does not exist");
      }
      if (domain == null) {
        dir.security().setAdmin(address, grant);
      } else if (grant) {
        dir.security().addDomainAdmin(address, domain);
      } else {
        dir.security().removeDomainAdmin(address, domain);
      }
      return dir.security().roles(address);
    });
  }

  /** The user's limits and what their mailboxes use of them. */
  public QuotaReport quota(String address) {
    return withDirectory(dir -> quota(dir, address));
  }

  /**
   * Sets a user's limits (see {@link QuotaReport#parseLimit}: empty means the config default, 0
   * unlimited) and returns the result.
   *
   * @param messages null to leave the message limit as it is
   */
  public QuotaReport setQuota(String address, OptionalLong bytes, OptionalLong messages) {
    return withDirectory(dir -> {
      dir.setStorageQuota(address, bytes);
      if (messages != null) {
        dir.setMessageQuota(address, messages);
      }
      return quota(dir, address);
    });
  }

  private QuotaReport quota(Directory dir, String address) throws DirectoryException {
    String user = address(address);
    Directory.UserQuota own =
        dir.quota(address).orElseThrow(() -> new AdminException("user " + user + " does not exist"));
    MailboxAdmin.Usage usage = mailboxes().usage(user);
    return new QuotaReport(
        user,
        QuotaReport.Limit.of(usage.bytes(), own.storageBytes(), config.store().quota()),
        QuotaReport.Limit.of(usage.messages(), own.messages(), config.store().quotaMessages()));
  }

  // ---- aliases

  /** An alias ({@code @domain} for a domain's catch-all) and its targets. */
  public record Alias(String address, List<String> targets) {}

  /** Adds targets to an alias, creating it; returns the alias with all its targets. */
  public Alias addAlias(String address, List<String> targets) {
    return withDirectory(dir -> {
      dir.addAlias(address, targets);
      String key = aliasKey(address);
      return new Alias(key, dir.exactAliasTargets(key));
    });
  }

  public List<Alias> aliases() {
    return withDirectory(dir -> {
      List<Alias> out = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : dir.aliases().entrySet()) {
        out.add(new Alias(e.getKey(), e.getValue()));
      }
      return out;
    });
  }

  /**
   * Removes an alias, or only some of its targets; returns what is left of it (no targets: the alias
   * is gone).
   *
   * @param targets null or empty to remove the whole alias
   */
  public Alias removeAlias(String address, List<String> targets) {
    return withDirectory(dir -> {
      String key = aliasKey(address);
      if (targets == null || targets.isEmpty()) {
        dir.removeAlias(address);
        return new Alias(key, List.of());
      }
      dir.removeAliasTargets(address, targets);
      return new Alias(key, dir.exactAliasTargets(key));
    });
  }

  // ---- DKIM

  /** A new signing key: where it is stored and the DNS record to publish. */
  public record DkimKey(String domain, Path file, String zoneLine) {}

  /**
   * Creates a signing key for a local domain; mail from it is signed with the key from then on.
   *
   * @param selector null for the default {@code postamt-YYYYMM-ALGORITHM}
   * @param algorithm {@code rsa} (2048 bits) or {@code ed25519}
   */
  public DkimKey dkimKeygen(String domain, String selector, String algorithm) throws IOException {
    String d;
    try {
      d = DkimKeys.normalizeDomain(domain);
    } catch (IllegalArgumentException e) {
      throw new AdminException(e.getMessage(), e);
    }
    try (Directory dir = Directory.open(config)) {
      if (!dir.isLocalDomain(d)) {
        throw new AdminException("not a local domain: " + d + " (add it with 'postamt domain add " + d + "')");
      }
    } catch (DirectoryException e) {
      throw new AdminException("directory: " + e.getMessage(), e);
    }
    String alg = algorithm.toLowerCase(Locale.ROOT);
    String sel = selector != null ? selector : DkimKeys.defaultSelector(alg);
    try {
      DkimKeys.Generated g = DkimKeys.generate(config.dataDir(), d, sel, alg);
      return new DkimKey(d, g.key().file(), g.zoneLine());
    } catch (IllegalArgumentException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  // ---- inbound checks, with the DNS the config names ([dns] zone_file makes them offline)

  /** Evaluates SPF (RFC 7208) for a client and MAIL FROM, or the HELO name for the null sender. */
  public SpfResult checkSpf(InetAddress client, String mailFrom, String helo) {
    return new SpfVerifier(resolver(), config.hostname()).check(client, mailFrom, helo);
  }

  /** Runs the inbound checks (SPF, DKIM, DMARC, iprev) on a message file as if it came in on port 25. */
  public InboundAuthenticator.Evaluation checkMessage(InetAddress client, String mailFrom, String helo, Path file)
      throws IOException {
    if (!Files.isReadable(file)) {
      throw new AdminException("cannot read " + file);
    }
    InboundAuthenticator auth = new InboundAuthenticator(config, resolver());
    return auth.evaluate(client, mailFrom, helo, () -> {
      try {
        return MessageFiles.openMessage(file);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    });
  }

  /**
   * {@code postamt check policy}: one line per check of each {@code [policy]} list (list, check, what it
   * says and why), then {@code result: accept} or the refusal; the greylist state is only read.
   */
  public List<String> checkPolicy(InetAddress client, String helo, String mailFrom, String rcpt) {
    return PolicyQuery.explain(config, resolver(), client, helo, mailFrom, rcpt);
  }

  /** The antivirus and attachment verdict on a message file, one line each ({@link ContentVerdict}). */
  public List<String> checkContent(Path file) {
    if (!Files.isReadable(file)) {
      throw new AdminException("cannot read " + file);
    }
    return ContentVerdict.lines(config, file);
  }

  /**
   * The spam verdict on a message file as the end of DATA would reach it ({@link SpamQuery}), a dry run.
   *
   * @param authResults the Authentication-Results field {@link #checkMessage} computed, or null
   */
  public List<String> checkSpam(InetAddress client, String mailFrom, String helo, Path file, String authResults) {
    if (!Files.isReadable(file)) {
      throw new AdminException("cannot read " + file);
    }
    try {
      return SpamQuery.lines(config, resolver(), client.getHostAddress(), mailFrom, helo, file, authResults);
    } catch (IOException | UncheckedIOException e) {
      throw new AdminException("spam scan: " + e.getMessage(), e);
    }
  }

  /** The resolver the config asks for, with a zone-file problem as one error line. */
  private Resolver resolver() {
    try {
      return Resolvers.fromConfig(config);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  // ---- the running server

  // ---- plumbing

  @FunctionalInterface
  private interface DirectoryWork<T> {
    T run(Directory dir) throws DirectoryException;
  }

  @FunctionalInterface
  private interface DirectoryChange {
    void run(Directory dir) throws DirectoryException;
  }

  /** Runs {@code work} on the directory, opened for it; its refusals become the operation's message. */
  private <T> T withDirectory(DirectoryWork<T> work) {
    try (Directory dir = Directory.open(config)) {
      return work.run(dir);
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  private void changeDirectory(DirectoryChange change) {
    withDirectory(dir -> {
      change.run(dir);
      return null;
    });
  }

  /** Throws the one-line reason why {@code text} is not a domain name, if it is not one. */
  public static void checkDomainName(String text) {
    try {
      Address.parseDomain(text);
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  /** The normalised form for results; only called after the directory accepted the name. */
  static String domain(String name) {
    try {
      return Address.parseDomain(name);
    } catch (DirectoryException e) {
      return name.trim();
    }
  }

  /** The normalised form of an address for results (as given when it does not parse). */
  public static String address(String address) {
    try {
      return Address.parse(address).toString();
    } catch (DirectoryException e) {
      return address.trim();
    }
  }

  private static String aliasKey(String address) {
    String a = address.trim();
    return a.startsWith("@") ? "@" + domain(a.substring(1)) : address(a);
  }
}
