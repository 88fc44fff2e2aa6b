package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireTest {

  @Test
  void note_whitespaceRuns_becomeSingleSpaces() {
    assertThat(Wire.note("RedisException:\tConnection  closed\n(retrying)")).isEqualTo(
        "RedisException: Connection closed (retrying)");
    assertThat(Wire.note("trailing ")).isEqualTo("trailing ");
    assertThat(Wire.note("ends  ")).isEqualTo("ends ");
  }

  @Test
  void note_singleSpacesOnly_isTheSameString() {
    String note = "wait 370 ms";
    assertThat(Wire.note(note)).isSameAs(note);
  }

  @Test
  void note_blankOrNull_isTheEmptyField() {
    assertThat(Wire.note(null)).isEqualTo(Wire.EMPTY);
    assertThat(Wire.note(" \t")).isEqualTo(Wire.EMPTY);
  }
}
