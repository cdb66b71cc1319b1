package dev.postamt.reports;

/**
 * The DMARC evaluation of one inbound message, as a row of our aggregate report will tell it (RFC 7489
 * Appendix C {@code record}).
 *
 * @param policyDomain where the sender's DMARC record was found (the report goes to its {@code rua})
 * @param headerFrom the RFC5322.From domain
 * @param dkimAuth every DKIM result as {@code domain:selector:result}, comma-separated; "" when unsigned
 * @param disposition what the policy asked for this message: none, quarantine or reject
 */
public record DmarcObservation(
    String policyDomain,
    String headerFrom,
    String sourceIp,
    String envelopeFrom,
    String spfDomain,
    String spfResult,
    String dkimAuth,
    boolean spfAligned,
    boolean dkimAligned,
    String disposition) {}
