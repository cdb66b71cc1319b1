package dev.postamt.routing;

import dev.postamt.directory.Address;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.config.Config;
import dev.postamt.srs.Srs;
import dev.postamt.store.UserHome;
import dev.postamt.store.Shares;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who is local and expands aliases (directory aliases, the {@code aliases_file}, per-user
 * {@code .forward}) into final destinations.
 *
 * <p>For an address in a local domain the first match wins, in this order:
 *
 * <ol>
 *   <li>a masked address ({@code postamt alias mask}): its owner while it is enabled, unknown once off;
 *   <li>a directory alias for exactly this address ({@code postamt alias add}; like Postfix
 *       {@code virtual_alias_maps}, it applies even when a user has the same address);
 *   <li>the {@code aliases_file}: a {@code name@domain} key, then a bare {@code name} key;
 *   <li>a user: their mailbox, or what their {@code .forward} says;
 *   <li>the domain's catch-all alias {@code @domain};
 *   <li>for {@code postmaster}: the {@linkplain #postmasterTarget postmaster target}.
 * </ol>
 *
 * and otherwise the address is unknown. Targets are expanded again the same way. An address that is
 * already on the current expansion path is not expanded a second time: if it is a user it gets the
 * mail in its mailbox (Postfix's rule for an alias that names itself, e.g. {@code a: a, b}), otherwise
 * that branch is dropped as a loop. Expansion deeper than {@link #MAX_DEPTH} or wider than
 * {@link #MAX_DESTINATIONS} fails temporarily, as Postfix does for its recursion and expansion limits,
 * so that the admin can fix the tables while the mail waits in the queue.
 *
 * <p>Every call asks the directory (whose lookup cache a change drops at once) and checks the aliases
 * file's modification time, so changes take effect without a restart. The router is thread-safe.
 */
public final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  /** Nesting limit: deeper than any sane alias chain, shallow enough to stop a generated cycle. */
  public static final int MAX_DEPTH = 32;
  /** Like Postfix {@code virtual_alias_expansion_limit}. */
  public static final int MAX_DESTINATIONS = 1000;
  /** Lookups per resolution; stops a fan-out that revisits the same sub-lists exponentially. */
  private static final int MAX_STEPS = 10_000;

  private static final String POSTMASTER = "postmaster";

  private final Directory directory;
  private final Config config;
  private final Optional<AliasesFile> aliasesFile;
  private final Srs srs;

  public Router(Directory directory, Config config) {
    this.directory = directory;
    this.config = config;
    this.aliasesFile = config.aliasesFile().map(AliasesFile::new);
    this.srs = new Srs(config.srs(), this::isOurDomain);
  }

  /**
   * The Sender Rewriting Scheme of this server ({@code [srs]}): the queue rewrites the sender of copies
   * that aliases and {@code .forward} files send to remote addresses with {@link Srs#forward}, the SMTP
   * server reverses bounces with {@link Srs#reverse}, and Sieve's redirect uses {@code
   * router.srs()::forward} as its sender rewriter.
   */
  public Srs srs() {
    return srs;
  }

  /**
   * Whether {@code domain} (lower case) is ours: a local domain or the hostname. A failed directory
   * lookup answers false: the sender is then rewritten, which is harmless (the bounce comes back).
   */
  private boolean isOurDomain(String domain) {
    if (domain.equalsIgnoreCase(config.hostname())) {
      return true;
    }
    try {
      return directory.isLocalDomain(domain);
    } catch (DirectoryException e) {
      log.warn("srs: cannot tell whether {} is a local domain: {}", domain, e.getMessage());
      return false;
    }
  }

  /**
   * Resolves one envelope recipient. A bare local part (RFC 5321 §4.1.1.3 requires accepting
   * {@code <postmaster>}) is qualified with the configured hostname, like Postfix's
   * {@code append_at_myorigin}; {@code postmaster@hostname} is local even when the hostname is not a
   * local domain, so that double bounces and a bare {@code <postmaster>} always arrive.
   */
  public Resolution resolve(String recipient) {
    if (recipient == null || recipient.isBlank()) {
      return new Resolution.Unknown("empty recipient address");
    }
    String r = recipient.strip();
    r = qualify(r);
    String domain;
    try {
      domain = Address.parseDomain(r.substring(r.lastIndexOf('@') + 1));
    } catch (DirectoryException e) {
      return new Resolution.NotLocal();
    }
    boolean postmaster = r.substring(0, r.lastIndexOf('@')).equalsIgnoreCase(POSTMASTER);
    Expansion x = new Expansion(true);
    try {
      if (!x.isLocal(domain) && !(postmaster && domain.equalsIgnoreCase(config.hostname()))) {
        return new Resolution.NotLocal();
      }
      Address a;
      try {
        a = Address.parse(r);
      } catch (DirectoryException e) {
        return new Resolution.Unknown(e.getMessage());
      }
      boolean found = x.expandLocal(a, 0);
      Optional<Address> base = found ? Optional.empty() : withoutDetail(a);
      if (base.isPresent()) {
        x = new Expansion(true);
        found = x.expandLocal(base.get(), 0);
      }
      if (!found) {
        if (!postmaster) {
          return new Resolution.Unknown("no such user here: " + a);
        }
        Optional<String> target = postmasterTarget();
        if (target.isEmpty()) {
          return new Resolution.Unknown("no postmaster mailbox yet: add a user or set queue.postmaster");
        }
        x.expandPostmaster(target.get());
      }
      if (x.out.isEmpty()) {
        if (!x.loops.isEmpty()) {
          return new Resolution.Unknown("alias loop: " + String.join("; ", x.loops));
        }
        return new Resolution.Unknown(a + " expands to no deliverable address"
            + (x.unknown.isEmpty() ? "" : " (unknown: " + String.join(", ", x.unknown) + ")"));
      }
      return new Resolution.Local(List.copyOf(x.out));
    } catch (DirectoryException e) {
      log.warn("resolving {}: {}", r, e.getMessage());
      return new Resolution.TempFail("directory lookup failed: " + e.getMessage());
    } catch (ExpansionFailure e) {
      log.warn("resolving {}: {}", r, e.getMessage());
      return new Resolution.TempFail(e.getMessage());
    }
  }

  /**
   * RFC 5233 subaddressing, Postfix's {@code recipient_delimiter}: {@code alice+lists@example.org}
   * without its detail, when the address has one. The whole address is always tried first, so a user or
   * alias may claim {@code alice+lists@} for itself.
   */
  private Optional<Address> withoutDetail(Address a) {
    String delimiter = config.delivery().recipientDelimiter();
    int at = delimiter.isEmpty() ? -1 : a.localPart().indexOf(delimiter);
    if (at <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Address(a.localPart().substring(0, at), a.domain()));
  }

  /**
   * Where mail for {@code postmaster@} a local domain (or our hostname) goes when no alias, aliases-file
   * entry or user claims that address (RFC 5321 §4.5.1 requires the address to work): {@code
   * queue.postmaster} (qualified with the hostname when it has no domain), unless that is itself a
   * postmaster address, the default; then the first user (by domain, then address, as {@code postamt user
   * list} shows them). Empty while there are no users.
   */
  public Optional<String> postmasterTarget() throws DirectoryException {
    String configured = qualify(config.queue().postmaster());
    if (!configured.substring(0, configured.lastIndexOf('@')).equalsIgnoreCase(POSTMASTER)) {
      return Optional.of(configured);
    }
    List<String> users = directory.users();
    return users.isEmpty() ? Optional.empty() : Optional.of(users.getFirst());
  }

  /** {@code name} as a full address: a bare local part is qualified with the hostname. */
  public String qualify(String name) {
    return name.indexOf('@') < 0 ? name + "@" + config.hostname() : name;
  }

  /**
   * Whether {@code authUser} may use {@code mailFrom} as sender: the null sender, their own address
   * (any letter case), or an alias — in the directory or the aliases file, catch-alls included — whose
   * expansion delivers to their mailbox. Like Postfix {@code reject_sender_login_mismatch} with the alias
   * maps as {@code smtpd_sender_login_maps}. {@code .forward} files do not count: a user forwarding
   * their mail to someone does not give that someone their address. A send-as grant ({@code postamt
   * mailbox send-as}, kept in {@link dev.postamt.store.Shares}) lets a user send as a shared address.
   * Lookup failures answer false.
   */
  public boolean mayUseSender(String authUser, String mailFrom) {
    if (mailFrom == null || mailFrom.isBlank() || mailFrom.strip().equals("<>")) {
      return true;
    }
    Address user;
    Address from;
    try {
      user = Address.parse(authUser);
      from = Address.parse(mailFrom);
    } catch (DirectoryException e) {
      return false;
    }
    if (user.equals(from) || Shares.sendAsGranted(config, user.toString(), from.toString())) {
      return true;
    }
    Expansion x = new Expansion(false);
    try {
      if (!x.isLocal(from.domain())) {
        return false;
      }
      x.expandLocal(from, 0);
      return x.out.contains(new Destination.Mailbox(user.toString()));
    } catch (DirectoryException | ExpansionFailure e) {
      log.warn("checking whether {} may send as {}: {}", user, from, e.getMessage());
      return false;
    }
  }

  /** The expansion cannot finish now (limits, unreadable file); the message should wait and retry. */
  private static final class ExpansionFailure extends Exception {
    ExpansionFailure(String message) {
      super(message);
    }
  }

  /** State of one resolution: the result so far, the current path, and what was dropped and why. */
  private final class Expansion {
    final boolean followForward;
    final Set<Destination> out = new LinkedHashSet<>();
    final List<String> path = new ArrayList<>();
    final List<String> loops = new ArrayList<>();
    final List<String> unknown = new ArrayList<>();
    final Map<String, Boolean> localDomains = new HashMap<>();
    int steps;
    /** Destinations accepted, duplicates included: tells whether a .forward produced anything. */
    int accepted;

    Expansion(boolean followForward) {
      this.followForward = followForward;
    }

    boolean isLocal(String domain) throws DirectoryException {
      Boolean known = localDomains.get(domain);
      if (known == null) {
        known = directory.isLocalDomain(domain);
        localDomains.put(domain, known);
      }
      return known;
    }

    void add(Destination d) throws ExpansionFailure {
      accepted++;
      out.add(d);
      if (out.size() > MAX_DESTINATIONS) {
        throw new ExpansionFailure(
            "alias expansion of " + path.getFirst() + " exceeds " + MAX_DESTINATIONS + " destinations");
      }
    }

    /** Any address from a target list: local ones are expanded, others go out as they are. */
    void expand(String address, int depth) throws DirectoryException, ExpansionFailure {
      int at = address.lastIndexOf('@');
      if (at <= 0) {
        drop(address, "not a full address");
        return;
      }
      String domain;
      try {
        domain = Address.parseDomain(address.substring(at + 1));
      } catch (DirectoryException e) {
        drop(address, e.getMessage());
        return;
      }
      if (!isLocal(domain)) {
        // RFC 5321 §2.4: a remote local part may be case-sensitive, so it is kept as written.
        add(new Destination.Remote(address.substring(0, at) + "@" + domain));
        return;
      }
      expandLocalTarget(address, depth);
    }

    /**
     * The postmaster target: expanded like an alias target, except that an address at our hostname is
     * looked up here even when the hostname is no local domain (sent out, it would come back to us).
     */
    void expandPostmaster(String target) throws DirectoryException, ExpansionFailure {
      if (target.substring(target.lastIndexOf('@') + 1).equalsIgnoreCase(config.hostname())) {
        expandLocalTarget(target, 0);
      } else {
        expand(target, 0);
      }
    }

    /** A target in one of our domains: expanded, or dropped when nothing is known under it. */
    private void expandLocalTarget(String address, int depth) throws DirectoryException, ExpansionFailure {
      Address a;
      try {
        a = Address.parse(address);
      } catch (DirectoryException e) {
        drop(address, e.getMessage());
        return;
      }
      if (!expandLocal(a, depth)) {
        drop(a.toString(), "no such user or alias");
      }
    }

    private void drop(String address, String why) {
      unknown.add(address);
      log.warn("alias expansion of {}: target {} dropped: {}", path.isEmpty() ? address : path.getFirst(), address, why);
    }

    /** Expands a local address; false when nothing at all is known under it. */
    boolean expandLocal(Address a, int depth) throws DirectoryException, ExpansionFailure {
      String key = a.toString();
      if (path.contains(key)) {
        if (directory.userExists(key)) {
          add(new Destination.Mailbox(key));
        } else {
          String loop = String.join(" -> ", path) + " -> " + key;
          loops.add(loop);
          log.warn("alias loop {}; dropped", loop);
        }
        return true;
      }
      if (depth > MAX_DEPTH) {
        throw new ExpansionFailure(
            "alias expansion of " + path.getFirst() + " nests deeper than " + MAX_DEPTH + " levels at " + key);
      }
      if (++steps > MAX_STEPS) {
        throw new ExpansionFailure("alias expansion of " + path.getFirst() + " needs more than " + MAX_STEPS + " lookups");
      }
      path.add(key);
      try {
        Optional<dev.postamt.directory.Masks.Mask> mask = directory.masks().lookup(key);
        if (mask.isPresent()) { // a switched-off mask is unknown (550 5.1.1), never the catch-all's
          if (mask.get().enabled()) {
            expand(mask.get().owner(), depth + 1);
          }
          return mask.get().enabled();
        }
        List<String> aliased = directory.exactAliasTargets(key);
        if (!aliased.isEmpty()) {
          for (String t : aliased) {
            expand(t, depth + 1);
          }
          return true;
        }
        Optional<AliasesFile.Entry> entry = aliasesFileEntry(a);
        if (entry.isPresent()) {
          for (AliasTarget t : entry.get().targets()) {
            expandTarget(t, a.domain(), depth + 1, true, entry.get().origin());
          }
          return true;
        }
        if (directory.userExists(key)) {
          if (!followForward || !forward(a, depth)) {
            add(new Destination.Mailbox(key));
          }
          return true;
        }
        List<String> catchAll = directory.catchAllTargets(a.domain());
        if (!catchAll.isEmpty()) {
          for (String t : catchAll) {
            expand(t, depth + 1);
          }
          return true;
        }
        return false;
      } finally {
        path.removeLast();
      }
    }

    private Optional<AliasesFile.Entry> aliasesFileEntry(Address a) throws ExpansionFailure {
      if (aliasesFile.isEmpty()) {
        return Optional.empty();
      }
      try {
        return aliasesFile.get().lookup(a.localPart(), a.domain());
      } catch (AliasesFile.UnreadableException e) {
        throw new ExpansionFailure(e.getMessage());
      }
    }

    /**
     * One target from the aliases file, an include file or a .forward. {@code trusted} says whether
     * commands, files and includes may be used (always in the admin's aliases file; in a .forward only
     * with {@code delivery.allow_forward_commands}, as virtual users have no Unix account to run them as).
     */
    void expandTarget(AliasTarget t, String domain, int depth, boolean trusted, String origin)
        throws DirectoryException, ExpansionFailure {
      switch (t) {
        case AliasTarget.Address(String address) -> expand(address, depth);
        case AliasTarget.LocalName(String name) -> expand(name + "@" + domain, depth);
        case AliasTarget.Verbatim(String name) -> {
          String user = name.indexOf('@') < 0 ? name + "@" + domain : name;
          if (directory.userExists(user)) {
            add(new Destination.Mailbox(canonical(user)));
          } else {
            drop(user, "\\" + name + " in " + origin + " names no user");
          }
        }
        case AliasTarget.Pipe(String command) -> {
          if (trusted) {
            add(new Destination.Pipe(command));
          } else {
            log.warn("{}: |{} skipped: delivery.allow_forward_commands is off", origin, command);
          }
        }
        case AliasTarget.FileTarget(Path file) -> {
          if (trusted) {
            add(new Destination.File(file));
          } else {
            log.warn("{}: {} skipped: delivery.allow_forward_commands is off", origin, file);
          }
        }
        case AliasTarget.Include(Path file) -> {
          if (trusted) {
            include(file, domain, depth, origin);
          } else {
            log.warn("{}: :include:{} skipped: delivery.allow_forward_commands is off", origin, file);
          }
        }
      }
    }

    /** Postfix aliases(5) {@code :include:}: the file's targets as if written in place. */
    private void include(Path file, String domain, int depth, String origin) throws DirectoryException, ExpansionFailure {
      String marker = ":include:" + file;
      if (path.contains(marker)) {
        String loop = String.join(" -> ", path) + " -> " + marker;
        loops.add(loop);
        log.warn("include loop {}; dropped", loop);
        return;
      }
      if (depth > MAX_DEPTH) {
        throw new ExpansionFailure("alias expansion of " + path.getFirst() + " nests deeper than " + MAX_DEPTH + " levels");
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        // Like Postfix: an include file that cannot be read defers the mail rather than lose members.
        throw new ExpansionFailure("cannot read " + marker + " (from " + origin + "): " + describe(e));
      }
      path.add(marker);
      try {
        for (AliasTarget t : parseLines(text, file.toString())) {
          expandTarget(t, domain, depth + 1, true, file.toString());
        }
      } finally {
        path.removeLast();
      }
    }

    /**
     * The user's {@code .forward} in their home; false when there is none or it names nothing, so the
     * caller delivers to the mailbox. a backslashed {@code name} in it keeps a copy in a mailbox without expanding.
     */
    private boolean forward(Address user, int depth) throws DirectoryException, ExpansionFailure {
      Path file = UserHome.of(config, user.toString()).resolve(".forward");
      if (!Files.exists(file)) {
        return false; // the usual case; checked first so no exception is thrown per lookup
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        throw new ExpansionFailure("cannot read " + file + ": " + describe(e));
      }
      List<AliasTarget> targets = parseLines(text, file.toString());
      if (targets.isEmpty()) {
        return false;
      }
      boolean trusted = config.delivery().allowForwardCommands();
      int before = accepted;
      for (AliasTarget t : targets) {
        expandTarget(t, user.domain(), depth + 1, trusted, file.toString());
      }
      if (accepted == before) {
        // Everything in it was skipped or unknown: keeping the mail beats dropping it silently.
        log.warn("{} delivers nowhere; keeping the mail in the mailbox of {}", file, user);
        return false;
      }
      return true;
    }
  }

  /** Targets of an include or .forward file: lines starting with # are comments. */
  private static List<AliasTarget> parseLines(String text, String name) {
    String body =
        text.lines().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
    return AliasTarget.parseList(body, p -> log.warn("{}: {}", name, p));
  }

  /** Only called for addresses the directory just accepted, so parsing cannot fail. */
  private static String canonical(String address) {
    try {
      return Address.parse(address).toString();
    } catch (DirectoryException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
