/**
 * The front door's decisions before the message is read: Postfix-style restriction lists per SMTP
 * stage ({@code [policy]}), the built-in checks as Postfix names them, access maps ({@code
 * check_*_access} over access(5), CIDR and regexp tables: {@code AccessMaps}, re-read when the file
 * changes), DNS block and allow lists with
 * postscreen-like weights ({@code [dnsbl]}), and postgrey-like greylisting ({@code [greylist]}).
 *
 * <p>{@link dev.postamt.policy.Restrictions} evaluates the lists of a stage for a {@link
 * dev.postamt.policy.PolicyRequest} (the client, HELO name, sender and recipient, as far as the stage
 * knows them) and returns an {@link dev.postamt.policy.Evaluation}: every check that ran, what it said
 * and why, and the refusal if any. The SMTP server applies it through its stage-check seam; {@code
 * postamt check policy} prints it. Within a list the first definitive answer (permit, reject, defer)
 * ends the list; a refusal ends the evaluation. Access-map actions that change the message (DISCARD,
 * HOLD, PREPEND, REDIRECT) come back as {@link dev.postamt.policy.Effect}s in the evaluation; the SMTP
 * server applies them to the message once it is received. With {@code delay_reject} (the default) the client,
 * helo and sender lists are decided at RCPT.
 *
 * <p>Two checks ask another server: {@code check_policy_service} speaks Postfix's policy delegation
 * protocol to a daemon such as postgrey ({@code PolicyService}, connections reused), and {@code
 * reject_unverified_sender} probes the sender's MX ({@code SenderVerifier}, results cached per address,
 * temporary failures per domain). A policy service that is down or slow is skipped; a probe that cannot
 * finish defers (450), never rejects.
 *
 * <p>Failure behaviour: a DNS time-out or SERVFAIL never refuses — the check is skipped and the log
 * says so — except where Postfix defers on purpose ({@code reject_unknown_sender_domain}: 450). A
 * greylist store that fails defers ({@code 451 4.3.0}); mail is never refused for our own trouble.
 * Each refusal, and each {@code warn_if_reject} hit, is one log line: {@code policy: reject
 * stage=recipient client=host[ip] helo=… from=<…> to=<…> check=… zone=… reason=…}.
 *
 * <p>State: greylisting keeps its triplets and auto-whitelisted client networks in {@code
 * data_dir/greylist.db} (SQLite, WAL), owned by {@link dev.postamt.policy.SqliteGreylistStore} behind
 * {@link dev.postamt.policy.GreylistStore}; SQL appears nowhere else. DNS answers are cached per TTL by
 * the resolver.
 */
package dev.postamt.policy;
