package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.bench.PrimitiveLocker.Kind;
import org.junit.jupiter.api.Test;

class ShareRefereeTest {
  private final Violations violations = new Violations();

  private ShareReferee referee(int permits) {
    return new ShareReferee(new HoldfastContender(), "n", permits, violations);
  }

  @Test
  void readersTogetherThenAWriterWithALargerToken_noViolation() {
    ShareReferee referee = referee(0);
    referee.granted(Kind.READ, 2);
    referee.granted(Kind.READ, 1);
    referee.releasing(Kind.READ);
    referee.releasing(Kind.READ);
    referee.granted(Kind.WRITE, 3);
    referee.releasing(Kind.WRITE);
    referee.granted(Kind.READ, 4);

    assertThat(violations.count()).isZero();
  }

  @Test
  void writerWhileAReaderHolds_oneViolation() {
    ShareReferee referee = referee(0);
    referee.granted(Kind.READ, 1);
    referee.granted(Kind.WRITE, 2);

    assertThat(violations.count()).isEqualTo(1);
    assertThat(violations.samples().get(0)).contains("writer granted while 0 writer(s) and 1 reader(s)");
  }

  @Test
  void readerWhileAWriterHolds_oneViolation() {
    ShareReferee referee = referee(0);
    referee.granted(Kind.WRITE, 1);
    referee.granted(Kind.READ, 2);

    assertThat(violations.samples()).containsExactly("holdfast: 'n' reader granted while a writer held it");
  }

  @Test
  void writerTokenNotAboveAnEarlierReaders_oneViolation() {
    ShareReferee referee = referee(0);
    referee.granted(Kind.READ, 5);
    referee.releasing(Kind.READ);
    referee.granted(Kind.WRITE, 5);

    assertThat(violations.samples()).containsExactly(
        "holdfast: 'n' writer granted with fencing token 5, not above the earlier 5");
  }

  @Test
  void readerTokenNotAboveTheLastWriters_oneViolation() {
    ShareReferee referee = referee(0);
    referee.granted(Kind.WRITE, 7);
    referee.releasing(Kind.WRITE);
    referee.granted(Kind.READ, 6);

    assertThat(violations.samples()).containsExactly(
        "holdfast: 'n' reader granted with fencing token 6, not above the last writer's 7");
  }

  @Test
  void morePermitHoldersThanPermits_violationOnlyForTheOneTooMany() {
    ShareReferee referee = referee(2);
    referee.granted(Kind.PERMIT, 2);
    referee.granted(Kind.PERMIT, 1);
    referee.granted(Kind.PERMIT, 3);
    referee.releasing(Kind.PERMIT);
    referee.releasing(Kind.PERMIT);
    referee.granted(Kind.PERMIT, 4);

    assertThat(violations.samples()).containsExactly("holdfast: 'n' 3 permit holders at once, of 2 permits");
  }
}
