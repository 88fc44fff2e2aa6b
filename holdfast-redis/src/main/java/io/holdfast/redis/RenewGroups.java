package io.holdfast.redis;

import io.holdfast.spi.RenewRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits a renewal batch by hash slot for Redis Cluster, where the keys of one script call must share a slot
 * (Redis answers CROSSSLOT otherwise, even for keys on the same node). Each group is a list of indexes into the
 * batch, so results can be put back in the order the engine expects. The lock service groups its keep-alive's
 * renewals with it too.
 *
 * <p>Why not one call per node: the keys of different slots on one node could only be passed to a script
 * undeclared (Redis 7's {@code allow-cross-slot-keys} flag), which breaks as soon as one of those slots
 * migrates, and the client's slot map may lag the cluster's. Per slot is what Redis guarantees to work; the
 * calls for one node are pipelined on its connection, so the cost is commands, not round trips.
 *
 * <p>Safe: stateless.
 */
public final class RenewGroups {
  private RenewGroups() { }

  /**
   * Groups the batch by slot, in the order slots first appear.
   *
   * @param leases the batch
   * @return one array of batch indexes per slot present
   */
  static List<int[]> bySlot(List<RenewRequest> leases) {
    return bySlot(leases, lease -> lease.name().value());
  }

  /**
   * Groups any batch of lock entries by the slot of their lock names, in the order slots first appear.
   *
   * @param entries the batch
   * @param name the lock name's value of an entry
   * @param <T> the entry type
   * @return one array of batch indexes per slot present
   */
  public static <T> List<int[]> bySlot(List<T> entries, Function<T, String> name) {
    Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      bySlot.computeIfAbsent(KeySpace.slotOf(name.apply(entries.get(i))), slot -> new ArrayList<>()).add(i);
    }
    List<int[]> groups = new ArrayList<>(bySlot.size());
    for (List<Integer> indexes : bySlot.values()) {
      groups.add(indexes.stream().mapToInt(Integer::intValue).toArray());
    }
    return groups;
  }
}
