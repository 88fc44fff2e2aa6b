package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCodecTest {

  @Test
  void roundTrip_keepsEveryField_includingAwkwardNotes() {
    Event event = new Event(42, 123_456_789, "c3w1", Type.FAIL, Op.RELEASE, "orders/7", "c3w1-abc", 1717,
        987_654_321, "LeaseLost: \"quoted\"\\ and\nnewline\ttab \u0001");

    Event decoded = HistoryCodec.decode(HistoryCodec.encode(event));

    assertThat(decoded).isEqualTo(event);
  }

  @Test
  void notAnEvent_isRejectedWithTheLine() {
    assertThatThrownBy(() -> HistoryCodec.decode("{\"i\":1}")).hasMessageContaining("not a history event");
  }

  @Test
  void recorderFile_isReadBackAsTheSameHistory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.jsonl.gz");
    try (Recorder recorder = Recorder.toFile(file)) {
      recorder.record(new Event(0, 0, "c1w0", Type.INVOKE, Op.ACQUIRE, "L", "a", 0, 0, ""), 10);
      recorder.record(new Event(0, 0, "c1w0", Type.OK, Op.ACQUIRE, "L", "a", 5, 900, ""), 20);
    }

    History history = History.read(file);

    assertThat(Files.size(file)).isPositive();
    assertThat(history.grants()).singleElement().satisfies(grant -> {
      assertThat(grant.token()).isEqualTo(5);
      assertThat(grant.invoke()).isEqualTo(10);
      assertThat(grant.complete()).isEqualTo(20);
    });
  }
}
