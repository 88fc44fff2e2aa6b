package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClockSamplesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void rate_localClockAtHalfSpeed_halfWithErrorFromRoundTrips() {
    ClockSamples samples = new ClockSamples();
    long backend = 1_700_000_000L * SECOND;
    for (int i = 0; i <= 4; i++) {
      samples.add(new ClockSamples.Sample(5 * SECOND + i * SECOND / 2, backend + i * SECOND / 2 + 3 * SECOND,
          2_000_000, backend + i * SECOND));
    }
    assertThat(samples.rate().getAsDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(samples.rateError().getAsDouble()).isCloseTo(2_000_000.0 / (4 * SECOND), within(1e-12));
    assertThat(samples.offsetNanos().getAsDouble()).isEqualTo(-2.0 * SECOND + 3 * SECOND);
  }

  @Test
  void rate_spanUnderTwoSeconds_empty() {
    ClockSamples samples = new ClockSamples();
    samples.add(new ClockSamples.Sample(0, 0, 1000, 0));
    samples.add(new ClockSamples.Sample(SECOND, SECOND, 1000, SECOND));
    assertThat(samples.rate()).isEmpty();
    assertThat(samples.offsetNanos().getAsDouble()).isZero();
  }

  @Test
  void add_backendClockSteppedBack_startsOver() {
    ClockSamples samples = new ClockSamples();
    samples.add(new ClockSamples.Sample(0, 0, 1000, 10 * SECOND));
    samples.add(new ClockSamples.Sample(3 * SECOND, 0, 1000, 13 * SECOND));
    samples.add(new ClockSamples.Sample(4 * SECOND, 0, 1000, 5 * SECOND));
    assertThat(samples.rate()).isEmpty();
  }

  @Test
  void validityScale_slowBeyondAllowance_slowestRateElseOne() {
    assertThat(ClockWatch.validityScale(0.5, 0.01, 0.01)).isCloseTo(0.49, within(1e-12));
    assertThat(ClockWatch.validityScale(0.995, 0.001, 0.01)).isEqualTo(1.0);
    assertThat(ClockWatch.validityScale(2.0, 0.01, 0.01)).isEqualTo(1.0);
  }
}
