package dev.postamt.policy;

import dev.postamt.dns.DnsNames;

/**
 * The DNS facts about one request that several checks share, each looked up at most once per
 * evaluation: the forward-confirmed reverse name and the DNS-list score.
 */
final class ClientFacts {
  private final PolicyRequest request;
  private final dev.postamt.dns.Resolver dns;
  private final DnsLists lists;
  private ReverseName fcrdns;
  private DnsLists.Score score;

  ClientFacts(PolicyRequest request, dev.postamt.dns.Resolver dns, DnsLists lists) {
    this.request = request;
    this.dns = dns;
    this.lists = lists;
  }

  /** The client's forward-confirmed reverse name, or why there is none. */
  ReverseName fcrdns() {
    if (fcrdns == null) {
      fcrdns = ReverseName.of(dns, request.client());
    }
    return fcrdns;
  }

  DnsLists.Score score() {
    if (score == null) {
      String senderDomain = request.sender() == null ? null : PolicyRequest.domainOf(request.sender()).toLowerCase(java.util.Locale.ROOT);
      score = lists.score(request.client(), senderDomain, request.helo());
    }
    return score;
  }

  /** {@code name[ip]} as Postfix logs a client: the confirmed name, or {@code unknown}. */
  String shown() {
    String ip = DnsNames.addressText(request.client());
    String name = fcrdns().name().orElse("unknown");
    return name + "[" + ip + "]";
  }
}
