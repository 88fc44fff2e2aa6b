package io.holdfast.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Forms a cluster from fresh nodes with RESP commands, in the order {@code redis-cli --cluster create} uses:
 * distinct config epochs first (so no epoch-collision round is needed), slots to the masters, MEET from one node
 * to all, wait until everyone knows everyone, then REPLICATE. Also parses {@code CLUSTER NODES} lines.
 *
 * <p>Stateless; every step is a command to a node and a poll for its effect.
 */
final class ClusterFormation {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  private ClusterFormation() {}

  /** One line of {@code CLUSTER NODES}: id, flags, master id (or "-") and slot ranges. */
  record NodeLine(String id, String flags, String masterId, List<int[]> slots) {
    boolean master() {
      return flags.contains("master");
    }

    boolean failed() {
      return flags.contains("fail") && !flags.contains("pfail") || flags.contains("noaddr");
    }

    boolean hasSlots() {
      return !slots.isEmpty();
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
    }
  }

  /** Forms the cluster; the first {@code masters} nodes get the slots, the rest replicate them in turn. */
  static Map<RedisServer, String> form(List<RedisServer> nodes, int masters) {
    Map<RedisServer, String> ids = ClusterTopology.idsOf(nodes);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
    }
    for (int m = 0; m < masters; m++) {
      int from = m * ClusterTopology.SLOTS / masters;
      int to = (m + 1) * ClusterTopology.SLOTS / masters - 1;
      List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int slot = from; slot <= to; slot++) {
        command.add(Integer.toString(slot)); // ADDSLOTSRANGE would be shorter, but needs Redis 7
      }
      nodes.get(m).command(command.toArray(String[]::new));
    }
    RedisServer first = nodes.get(0);
    for (RedisServer node : nodes.subList(1, nodes.size())) {
      first.command("CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
    }
    Await.until(STEP_TIMEOUT, "every node to know all " + nodes.size() + " nodes", () ->
        nodes.stream().allMatch(n -> nodes(n).size() == nodes.size()
            && nodes(n).stream().noneMatch(l -> l.flags().contains("handshake"))));
    for (int r = masters; r < nodes.size(); r++) {
      String masterId = ids.get(nodes.get((r - masters) % masters));
      RedisServer replica = nodes.get(r);
      // A replica can only follow a master it already knows as such; gossip may lag a moment behind MEET.
      Await.until(STEP_TIMEOUT, "replica " + replica + " to accept its master",
          () -> "OK".equals(replica.command("CLUSTER", "REPLICATE", masterId)));
    }
    return ids;
  }

  /** Parses {@code CLUSTER NODES} of one node. */
  static List<NodeLine> nodes(RedisServer node) {
    List<NodeLine> lines = new ArrayList<>();
    for (String line : String.valueOf(node.command("CLUSTER", "NODES")).split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split(" ");
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated or imported
        }
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
      }
      lines.add(new NodeLine(f[0], f[2], f[3], slots));
    }
    return lines;
  }
}
