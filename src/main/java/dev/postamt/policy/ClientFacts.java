package dev.postamt.policy;

import dev.postamt.dns.DnsNames;
import dev.postamt.mailauth.Iprev;
import dev.postamt.mailauth.IprevResult;

/**
 * The DNS facts about one request that several checks share, each looked up at most once per
 * evaluation: the forward-confirmed reverse name and the DNS-list score.
 */
final class ClientFacts {
  private final PolicyRequest request;
  private final Iprev iprev;
  private final DnsLists lists;
  private IprevResult fcrdns;
  private DnsLists.Score score;

  ClientFacts(PolicyRequest request, Iprev iprev, DnsLists lists) {
    this.request = request;
    this.iprev = iprev;
    this.lists = lists;
  }

  /** RFC 8601 iprev of the client: pass with the confirmed name, fail, permerror (no PTR) or temperror. */
  IprevResult fcrdns() {
    if (fcrdns == null) {
      fcrdns = iprev.check(request.client());
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
