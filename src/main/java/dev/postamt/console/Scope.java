package dev.postamt.console;

import dev.postamt.directory.AccountSecurity;
import java.util.Collection;
import java.util.Locale;

/**
 * What one administrator may see and change: every domain for a global administrator, their own
 * domains ({@link AccountSecurity.Roles#domains()}) for a domain administrator. Every console listing
 * goes through {@link #sees}, and every request that names a user, alias, key or message checks it
 * again, so an id guessed from another domain is refused like an unknown one.
 */
record Scope(AccountSecurity.Roles roles) {

  boolean global() {
    return roles.admin();
  }

  /** Whether the domain is one of ours. */
  boolean administers(String domain) {
    return domain != null && !domain.isEmpty() && roles.administers(domain.toLowerCase(Locale.ROOT));
  }

  /** Whether an address ({@code local@domain}, or {@code @domain} for a catch-all) is in one of our domains. */
  boolean sees(String address) {
    return address != null && administers(domainOf(address));
  }

  /** Whether any of the addresses is ours (a queued or held message concerns every domain on its envelope). */
  boolean seesAny(Collection<String> addresses) {
    return global() || addresses.stream().anyMatch(this::sees);
  }

  /** The domain part of an address, lower case; empty when there is no {@code @}. */
  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
  }
}
