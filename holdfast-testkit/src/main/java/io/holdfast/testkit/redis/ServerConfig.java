package io.holdfast.testkit.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The immutable settings of a {@link RedisServer}, frozen by {@link RedisServerBuilder#build()} so that
 * later changes to the builder cannot reach a server already built. {@code configFile} is the text of a
 * configuration file passed as the first argument, or null for none (Sentinel needs one it can rewrite).
 */
record ServerConfig(Path binary, List<String> args, boolean persistence, Duration startTimeout,
    Duration stopTimeout, String configFile) {

  ServerConfig {
    Objects.requireNonNull(binary, "binary");
    args = List.copyOf(args);
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
  }

  ServerConfig(Path binary, List<String> args, boolean persistence, Duration startTimeout, Duration stopTimeout) {
    this(binary, args, persistence, startTimeout, stopTimeout, null);
  }
}
