package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeMapTest {

  @Test
  void probesBracketTheOffset_andInvokesMapEarlyCompletionsLate() {
    TimeMap map = new TimeMap();
    // The child's clock runs 1000 behind; probes take 10 and 4 units of round trip.
    map.probe(5_000, 4_003, 5_010);
    map.probe(6_000, 5_001, 6_004);

    assertThat(map.calibrated()).isTrue();
    assertThat(map.uncertainty()).isEqualTo(4);
    assertThat(map.earliest(7_000)).isEqualTo(7_999);
    assertThat(map.latest(7_000)).isEqualTo(8_003);
  }

  @Test
  void eventsNarrowTheUpperBound() {
    TimeMap map = new TimeMap();
    map.probe(0, 0, 100);

    map.narrow(500, 520);

    assertThat(map.latest(500)).isEqualTo(520);
    assertThat(map.contradictions()).isZero();
  }

  @Test
  void aStampContradictingTheBracket_isCounted() {
    TimeMap map = new TimeMap();
    map.probe(1_000, 0, 1_010);

    map.narrow(500, 1_200);

    assertThat(map.contradictions()).isEqualTo(1);
  }
}
