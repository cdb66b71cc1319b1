package dev.postamt.config;

/** {@code [mailauth]}: whether a DMARC p=reject failure is refused at end of DATA, and whether results are added. */
public record MailAuth(boolean rejectDmarcFailures, boolean addAuthenticationResults) {
  static MailAuth parse(ConfigReader r) {
    r.allowKeys("mailauth", "reject_dmarc_failures", "authentication_results");
    return new MailAuth(
        r.bool("mailauth.reject_dmarc_failures", true), r.bool("mailauth.authentication_results", true));
  }
}
