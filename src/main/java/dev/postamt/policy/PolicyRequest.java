package dev.postamt.policy;

import java.net.InetAddress;

/**
 * What the checks may know, like the attributes of Postfix's policy delegation protocol. Fields a
 * stage has not reached yet are null.
 *
 * @param client the client's address
 * @param mynetworks the client is in {@code relay.networks}
 * @param saslUser the authenticated user, or null
 * @param helo the HELO/EHLO name, or null
 * @param sender the MAIL FROM address ({@code ""} for the null sender), or null before MAIL
 * @param recipient the RCPT TO address, or null outside RCPT
 * @param recipientStatus what the router says about the recipient, or null outside RCPT
 * @param senderLocal the sender's domain is one of ours (then {@code reject_unknown_sender_domain} does
 *     not apply: Postfix checks only senders it is not the final destination for)
 */
public record PolicyRequest(
    InetAddress client,
    boolean mynetworks,
    String saslUser,
    String helo,
    String sender,
    String recipient,
    RecipientStatus recipientStatus,
    boolean senderLocal) {

  /** The router's answer about a recipient. */
  public enum RecipientStatus {
    /** One of our addresses. */
    LOCAL,
    /** In a local domain, but no such user or alias. */
    UNKNOWN,
    /** The lookup failed for now. */
    TEMPFAIL,
    /** Not in a local domain, but in {@code relay.relay_domains} (we are a backup MX). */
    RELAY,
    /** Not ours at all. */
    REMOTE
  }

  /** The domain of an address ({@code ""} when it has none). */
  static String domainOf(String address) {
    int at = address == null ? -1 : address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1);
  }
}
