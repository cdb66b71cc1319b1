package dev.postamt.dns;

import java.util.List;

/**
 * The outcome of one lookup. {@code OK} with no records is NODATA; SPF counts both NXDOMAIN and NODATA
 * as void lookups (RFC 7208 §4.6.4).
 */
public record DnsResult<T>(Status status, List<T> records) {
  public enum Status {
    OK,
    NXDOMAIN,
    TEMPFAIL
  }

  public static <T> DnsResult<T> ok(List<T> records) {
    return new DnsResult<>(Status.OK, List.copyOf(records));
  }

  public static <T> DnsResult<T> nxdomain() {
    return new DnsResult<>(Status.NXDOMAIN, List.of());
  }

  public static <T> DnsResult<T> tempfail() {
    return new DnsResult<>(Status.TEMPFAIL, List.of());
  }

  public boolean isVoid() {
    return status == Status.NXDOMAIN || (status == Status.OK && records.isEmpty());
  }
}
