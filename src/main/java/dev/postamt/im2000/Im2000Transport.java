package dev.postamt.im2000;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.queue.RemoteTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound routing with IM2000 in front of SMTP: a local user's message (envelope sender in one of our
 * domains, which has a DKIM key to sign notifications with) to a domain that advertises IM2000 goes to
 * the {@link Outbox}; every other recipient (and everything when the domain has no advertisement) goes
 * on to the SMTP transport it wraps, unchanged. Recipients taken by IM2000 are done at once: the
 * receiver pulls the message, so there is nothing to retry and nothing to bounce.
 */
final class Im2000Transport implements RemoteTransport {
  private static final Logger log = LoggerFactory.getLogger(Im2000Transport.class);

  private final RemoteTransport smtp;
  private final Outbox outbox;
  private final Resolver dns;
  private final Directory directory;
  private final DurableSpool spool;
  private final Path dataDir;

  Im2000Transport(RemoteTransport smtp, Outbox outbox, Resolver dns, Directory directory, DurableSpool spool, Path dataDir) {
    this.smtp = smtp;
    this.outbox = outbox;
    this.dns = dns;
    this.directory = directory;
    this.spool = spool;
    this.dataDir = dataDir;
  }

  @Override
  public List<RecipientStatus> deliver(QueuedMessage m, List<Target> targets) {
    String sender = m.envelope().sender();
    Optional<SigningKey> key = signingKey(sender);
    if (key.isEmpty()) {
      return smtp.deliver(m, targets);
    }
    Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
    List<Integer> viaSmtp = new ArrayList<>();
    for (int k = 0; k < targets.size(); k++) {
      Target t = targets.get(k);
      if (!t.sender().equals(sender)) {
        viaSmtp.add(k); // a copy forwarded with another sender (SRS) is not our user's mail
        continue;
      }
      byDomain.computeIfAbsent(domainOf(t.address()), d -> new ArrayList<>()).add(k);
    }
    List<Outbox.Destination> destinations = new ArrayList<>();
    List<Integer> viaIm2000 = new ArrayList<>();
    for (var e : byDomain.entrySet()) {
      Optional<Advertisement> adv = Advertisement.lookup(dns, e.getKey());
      if (adv.isEmpty()) {
        viaSmtp.addAll(e.getValue());
      } else {
        destinations.add(new Outbox.Destination(e.getKey(), adv.get(),
            e.getValue().stream().map(k -> targets.get(k).address().toLowerCase(Locale.ROOT)).toList()));
        viaIm2000.addAll(e.getValue());
      }
    }
    RecipientStatus[] out = new RecipientStatus[targets.size()];
    if (!destinations.isEmpty()) {
      RecipientStatus status;
      try (InputStream message = new SequenceInputStream(
          new ByteArrayInputStream(m.headers().getBytes(StandardCharsets.UTF_8)), spool.openMessage(m))) {
        outbox.send(m.id(), sender, message, destinations, key.get());
        status = new RecipientStatus.Delivered(Instant.now(), "2.0.0 kept in the IM2000 outbox for the recipient's server to pull",
            RecipientStatus.Kind.RELAYED);
      } catch (IOException | RuntimeException e) {
        log.warn("im2000: {}: cannot keep the message in the outbox: {}", m.id(), e.toString());
        status = new RecipientStatus.TempFail(Instant.now().plusSeconds(60), 0, "4.3.0 IM2000 outbox: " + e.getMessage());
      }
      for (int k : viaIm2000) {
        out[k] = status;
      }
    }
    if (!viaSmtp.isEmpty()) {
      List<RecipientStatus> r = smtp.deliver(m, viaSmtp.stream().map(targets::get).toList());
      for (int i = 0; i < viaSmtp.size(); i++) {
        out[viaSmtp.get(i)] = r.get(i);
      }
    }
    return List.of(out);
  }

  /** The DKIM key of the sender's domain when the sender is one of our users' addresses. */
  private Optional<SigningKey> signingKey(String sender) {
    if (sender.isEmpty() || sender.indexOf('@') < 0) {
      return Optional.empty(); // bounces and the like go by SMTP
    }
    String domain = domainOf(sender);
    try {
      if (!directory.isLocalDomain(domain)) {
        return Optional.empty();
      }
      return DkimKeys.load(dataDir, domain).stream().findFirst();
    } catch (DirectoryException | IOException e) {
      log.warn("im2000: cannot tell whether {} may send by IM2000: {}", sender, e.getMessage());
      return Optional.empty();
    }
  }

  private static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }
}
