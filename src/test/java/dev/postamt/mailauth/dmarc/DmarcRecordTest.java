package dev.postamt.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.dmarc.DmarcRecord.Policy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DmarcRecordTest {
  @Test
  void parsesAndDefaults() {
    DmarcRecord r = DmarcRecord.parse("v=DMARC1;p=quarantine; sp=reject ; adkim=s; pct=20; fo=1; zz=unknown;").orElseThrow();
    assertThat(r).isEqualTo(new DmarcRecord(Policy.QUARANTINE, Optional.of(Policy.REJECT), true, false, 20));
    DmarcRecord d = DmarcRecord.parse("v=DMARC1; p=reject; pct=abc; adkim=x; sp=maybe").orElseThrow();
    assertThat(d).isEqualTo(new DmarcRecord(Policy.REJECT, Optional.empty(), false, false, 100));
    assertThat(DmarcRecord.parse("v = DMARC1 ; p = None").orElseThrow().policy()).isEqualTo(Policy.NONE);
    assertThat(DmarcRecord.parse("v=DMARC1; p=reject; pct=250").orElseThrow().percent()).isEqualTo(100);
  }

  @Test
  void rejectsNonRecords() {
    assertThat(DmarcRecord.parse("p=reject; v=DMARC1")).isEmpty(); // v= must come first
    assertThat(DmarcRecord.parse("v=DMARC2; p=reject")).isEmpty();
    assertThat(DmarcRecord.parse("v=DMARC1")).isEmpty(); // no p=, no rua=
    assertThat(DmarcRecord.parse("v=DMARC10; p=reject")).isEmpty();
  }
}
