/**
 * Every administrative operation, written once. {@link dev.postamt.admin.Admin}: local domains (with
 * the DNS records each needs, checked by {@link dev.postamt.admin.DomainDns}), users (passwords, quotas,
 * disabled accounts, administrator roles), aliases, DKIM keys, the inbound checks (with the spam verdict of {@code check message}, {@link
 * dev.postamt.admin.SpamQuery}) and reloading the running server. {@link
 * dev.postamt.admin.QueueOperations}: the queue, through the running server's control socket or on the
 * spool directly. {@link dev.postamt.admin.RunningServer}: {@code status}, {@code who} and {@code kick},
 * asked of the running server through its control socket. {@link dev.postamt.admin.MailboxAdmin}: the mail store's maintenance, and the one
 * class here that touches the store. {@link dev.postamt.admin.SieveAdmin}: users' Sieve scripts
 * ({@code postamt sieve}), compiled before they are stored. {@link dev.postamt.admin.SpamListsAdmin}: the spam white- and blacklists ({@code postamt
 * spam lists}). {@link dev.postamt.admin.GreylistAdmin}: the greylist's triplets for the admin console. {@link dev.postamt.admin.ConfigCheck}: loading and validating the
 * config. The {@code cli} commands and the web console are thin callers: they parse their input, call
 * one method and present its typed result.
 *
 * <p>Failure behaviour: an operation that cannot be done throws {@link
 * dev.postamt.admin.AdminException} with a one-line message for a person ("user a@example.org does
 * not exist"), nothing else; it changes nothing it reports as not done. Operations open the directory,
 * spool or store for the call and close them again, so they work whether or not the server runs and
 * take effect without a restart. This package owns no on-disk state of its own.
 */
package dev.postamt.admin;
