package dev.postamt.tlsrpt;

/**
 * Why a TLS session failed, as RFC 8460 §4.3 names it ({@code result-type} in the report): negotiation
 * failures (§4.3.1), policy failures (§4.3.2) and general ones (§4.3.3).
 */
public enum ResultType {
  STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
  CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
  CERTIFICATE_EXPIRED("certificate-expired"),
  CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
  VALIDATION_FAILURE("validation-failure"),
  TLSA_INVALID("tlsa-invalid"),
  DNSSEC_INVALID("dnssec-invalid"),
  DANE_REQUIRED("dane-required"),
  STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
  STS_POLICY_INVALID("sts-policy-invalid"),
  STS_WEBPKI_INVALID("sts-webpki-invalid");

  private final String word;

  ResultType(String word) {
    this.word = word;
  }

  /** The name in the report. */
  public String word() {
    return word;
  }

  public static ResultType of(String word) {
    for (ResultType t : values()) {
      if (t.word.equals(word)) {
        return t;
      }
    }
    throw new IllegalArgumentException("not an RFC 8460 result type: " + word);
  }

  /**
   * The result type of a failed TLS handshake, read from the exception chain: an expired certificate,
   * one no trust anchor vouches for, else a general validation failure.
   */
  public static ResultType ofHandshake(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateExpiredException) {
        return CERTIFICATE_EXPIRED;
      }
      if (t instanceof java.security.cert.CertPathValidatorException v
          && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.EXPIRED) {
        return CERTIFICATE_EXPIRED;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertPathBuilderException || t instanceof java.security.cert.CertPathValidatorException) {
        return CERTIFICATE_NOT_TRUSTED;
      }
    }
    return VALIDATION_FAILURE;
  }
}
