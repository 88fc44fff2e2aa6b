package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.redis.RedisExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis commands per lock operation on one standalone server, the baseline of docs/guarantees.md. */
class StandaloneCallsIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void callsPerOperation_areOneScriptEach() {
    try (Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri()).build())) {
      assertThat(CallCounts.measure("one standalone server", client, List.of(redis.server())))
          .isEqualTo(new CallCounts.PerOperation(1, 1, 1));
    }
  }
}
