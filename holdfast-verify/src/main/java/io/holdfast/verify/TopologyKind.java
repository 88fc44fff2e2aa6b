package io.holdfast.verify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The topologies {@code holdfast verify} can start, by their {@code --topology} names. */
enum TopologyKind {
  /** One redis-server with an append-only file (or the Redis given with {@code --redis}). */
  STANDALONE,
  /** A master, 2 replicas and 3 sentinels; clients use {@code redis-sentinel://}. */
  SENTINEL,
  /** 3 masters with a replica each; clients use {@code redis-cluster://}. */
  CLUSTER,
  /** 3 or 5 independent masters with append-only files; clients use {@code redis-quorum://}. */
  QUORUM;

  String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static TopologyKind parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.cliName().equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown topology '" + name + "'; known: "
            + Arrays.stream(values()).map(TopologyKind::cliName).collect(Collectors.joining(", "))));
  }
}
