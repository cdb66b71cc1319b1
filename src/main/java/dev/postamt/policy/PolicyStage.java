package dev.postamt.policy;

import java.util.List;

/** The points of an SMTP session where restriction lists are evaluated. */
public enum PolicyStage {
  CONNECT,
  HELO,
  MAIL,
  RCPT,
  DATA,
  END_OF_DATA;

  /**
   * The {@code [policy]} lists decided at this stage: with {@code delayReject} (Postfix {@code
   * smtpd_delay_reject = yes}) client, helo, sender and recipient all at RCPT, in that order.
   */
  public List<String> lists(boolean delayReject) {
    return switch (this) {
      case CONNECT -> delayReject ? List.of() : List.of("client");
      case HELO -> delayReject ? List.of() : List.of("helo");
      case MAIL -> delayReject ? List.of() : List.of("sender");
      case RCPT -> delayReject ? List.of("client", "helo", "sender", "recipient") : List.of("recipient");
      case DATA -> List.of("data");
      case END_OF_DATA -> List.of("end_of_data");
    };
  }
}
