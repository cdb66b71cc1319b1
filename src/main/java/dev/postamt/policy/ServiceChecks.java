package dev.postamt.policy;

import dev.postamt.config.AccessTable;
import dev.postamt.config.Policy;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The checks that ask another server: {@code check_policy_service} (a policy daemon, {@link
 * PolicyService}) and {@code reject_unverified_sender} (the sender's MX, {@link SenderVerifier}). Neither
 * ever refuses because the other server is down: a policy service that fails is skipped; a probe that
 * cannot finish defers (450), never rejects.
 */
final class ServiceChecks {
  private final Policy policy;
  private final PolicyService service;
  private final SenderVerifier verifier;

  ServiceChecks(Policy policy, PolicyService service, SenderVerifier verifier) {
    this.policy = policy;
    this.service = service;
    this.verifier = verifier;
  }

  /**
   * {@code check_policy_service TARGET}: the request's attributes as SMTPD_POLICY_README names them,
   * the answer as an access(5) action. Not asked in a dry run ({@code check policy}): a service like
   * postgrey records every request.
   */
  CheckResult policyService(String target, PolicyRequest r, ClientFacts facts, String list, boolean dryRun) {
    if (dryRun) {
      return CheckResult.dunno("not asked by check policy (a policy service may record each request): " + target);
    }
    AccessTable.Action action;
    try {
      action = service.ask(target, attributes(r, facts, list));
    } catch (PolicyService.Unavailable e) {
      return CheckResult.dunno("skipped: " + e.getMessage());
    }
    return AccessMaps.result(target + ": action=" + action, action, replyName(r, facts, list));
  }

  /** SMTPD_POLICY_README "Protocol description": the attributes of one request. */
  Map<String, String> attributes(PolicyRequest r, ClientFacts facts, String list) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("request", "smtpd_access_policy");
    a.put("protocol_state", state(list));
    a.put("protocol_name", "ESMTP");
    a.put("client_address", dev.postamt.dns.DnsNames.addressText(r.client()));
    a.put("client_name", facts.fcrdns().name().orElse("unknown"));
    a.put("reverse_client_name", facts.fcrdns().name().orElse("unknown"));
    a.put("helo_name", r.helo() == null ? "" : r.helo());
    a.put("sender", r.sender() == null ? "" : r.sender());
    a.put("recipient", r.recipient() == null ? "" : r.recipient());
    a.put("recipient_count", "0");
    a.put("queue_id", "");
    a.put("instance", "");
    a.put("size", "0");
    a.put("sasl_method", "");
    a.put("sasl_username", r.saslUser() == null ? "" : r.saslUser());
    a.put("sasl_sender", "");
    return a;
  }

  /** Postfix's {@code protocol_state}: with delay_reject every list before data is decided at RCPT. */
  private String state(String list) {
    return switch (list) {
      case "client" -> policy.delayReject() ? "RCPT" : "CONNECT";
      case "helo" -> policy.delayReject() ? "RCPT" : "EHLO";
      case "sender" -> policy.delayReject() ? "RCPT" : "MAIL";
      case "data" -> "DATA";
      case "end_of_data" -> "END-OF-MESSAGE";
      default -> "RCPT";
    };
  }

  /** What a refusal names, by the list it came from, as Postfix words it. */
  static String replyName(PolicyRequest r, ClientFacts facts, String list) {
    return switch (list) {
      case "client" -> "<" + facts.shown() + ">: Client host rejected";
      case "helo" -> "<" + (r.helo() == null ? "" : r.helo()) + ">: Helo command rejected";
      case "sender" -> "<" + (r.sender() == null ? "" : r.sender()) + ">: Sender address rejected";
      case "data" -> "<DATA>: Data command rejected";
      case "end_of_data" -> "<END-OF-MESSAGE>: End-of-data rejected";
      default -> "<" + (r.recipient() == null ? "" : r.recipient()) + ">: Recipient address rejected";
    };
  }

  /** {@code reject_unverified_sender}: the sender's MX asked whether it takes mail for the sender. */
  CheckResult unverifiedSender(PolicyRequest r, boolean dryRun) {
    if (r.sender() == null || r.sender().isEmpty()) {
      return CheckResult.dunno(r.sender() == null ? "no sender yet" : "null sender");
    }
    if (r.senderLocal()) {
      return CheckResult.dunno("sender domain is ours");
    }
    String domain = PolicyRequest.domainOf(r.sender()).toLowerCase(Locale.ROOT);
    if (domain.isEmpty() || domain.startsWith("[")) {
      return CheckResult.dunno("address literal or no domain");
    }
    SenderVerifier.Result v = dryRun ? verifier.cached(r.sender()) : verifier.verify(r.sender());
    String reply = "<" + r.sender() + ">: Sender address rejected";
    return switch (v.status()) {
      case DELIVERABLE -> CheckResult.dunno("sender verified: " + v.detail());
      case UNDELIVERABLE -> CheckResult.refuse(550, "5.1.7", reply + ": undeliverable address: " + v.detail(), v.detail());
      case TEMPFAIL -> CheckResult.refuse(450, "4.1.7", reply + ": unverified address: " + v.detail(), v.detail());
      case UNKNOWN -> CheckResult.dunno(v.detail());
    };
  }
}
