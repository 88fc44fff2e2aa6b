package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FencedResourceTest {

  @Test
  void acceptsEqualOrHigherTokens_rejectsLower_perLock() {
    Recorder recorder = Recorder.inMemory();
    FencedResource resource = new FencedResource(recorder, false);

    assertThat(resource.write("p", "L", "a", 5, 0, 0).accepted()).isTrue();
    assertThat(resource.write("p", "L", "a", 5, 0, 0).accepted()).isTrue();
    assertThat(resource.write("p", "L", "b", 4, 0, 0)).isEqualTo(new FencedResource.Decision(false, 5));
    assertThat(resource.write("p", "M", "c", 1, 0, 0).accepted()).isTrue();

    assertThat(resource.accepted()).isEqualTo(3);
    assertThat(resource.rejected()).isEqualTo(1);
    assertThat(recorder.history().operations()).hasSize(4);
    assertThat(recorder.history().operations().get(2).completion().note()).contains("stale");
  }

  @Test
  void negativeControl_acceptsEverything_andC1CatchesIt() {
    Recorder recorder = Recorder.inMemory();
    recorder.record(new Event(0, 0, "c1w0", Event.Type.INVOKE, Event.Op.ACQUIRE, "L", "a", 0, 0, ""));
    recorder.record(new Event(0, 0, "c1w0", Event.Type.OK, Event.Op.ACQUIRE, "L", "a", 4, 0, ""));
    recorder.record(new Event(0, 0, "c2w0", Event.Type.INVOKE, Event.Op.ACQUIRE, "L", "b", 0, 0, ""));
    recorder.record(new Event(0, 0, "c2w0", Event.Type.OK, Event.Op.ACQUIRE, "L", "b", 5, 0, ""));
    FencedResource resource = new FencedResource(recorder, true);

    resource.write("c2w0", "L", "b", 5, recorder.now(), 0);
    assertThat(resource.write("c1w0", "L", "a", 4, recorder.now(), 0).accepted()).isTrue();

    assertThat(new FencedSafetyChecker().check(recorder.history()).violations()).isEqualTo(1);
  }
}
