/**
 * The links of a message and what they say about it. {@link dev.postamt.filter.uri.Uris}: the URIs of
 * the HTML and text parts, obfuscated forms included, each reduced to the host a browser would
 * contact. {@link dev.postamt.filter.uri.Domains}: registered domains (a small public-suffix table) and
 * address scopes. {@link dev.postamt.filter.uri.UriLists}: the check, asking URI DNS block lists
 * ({@code spam.uribl}) in parallel within {@code spam.dns_timeout}, and {@code UriTricks}: links that
 * lie about their target.
 *
 * <p>Failure behaviour: nothing here throws for any message; a list that does not answer in time, or
 * refuses, is skipped and logged, never a symbol. No state, no files.
 */
package dev.postamt.filter.uri;
