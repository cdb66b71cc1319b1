package dev.postamt.smtp;

import dev.postamt.routing.Router;
import dev.postamt.smtp.StageCheck.Decision;

/**
 * MAIL: an authenticated user may send only as themselves or an alias that reaches their mailbox
 * (Postfix {@code reject_sender_login_mismatch}; {@link Router#mayUseSender} has the rule).
 */
final class SenderOwnership implements StageCheck {
  private final Router router;

  SenderOwnership(Router router) {
    this.router = router;
  }

  @Override
  public Decision check(StageContext c) {
    String user = c.client().authUser();
    MailPath from = c.sender();
    if (user != null && !from.isNull() && !router.mayUseSender(user, from.address())) {
      return Decision.refuse(553, "5.7.1", "<" + from.address() + ">: Sender address rejected: not owned by user " + user);
    }
    return Decision.CONTINUE;
  }
}
