package io.holdfast.redis;

import io.holdfast.FencingToken;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/*
 * The holder-table scripts on one independent master's connection (QuorumHolders sends them to every master): the
 * same grant, release and renewal scripts as RedisPrimitives (the one home of each rule), plus the quorum's own
 * steps, holders_adopt.lua and holders_undo.lua (the token round and the give-back of a failed attempt) and
 * semaphore_slot_acquire.lua (a permit as one numbered slot). Each method is one script call. Every script a
 * quorum attempt sends is loaded when the connection opens (QuorumMaster), so that an acquire and the adopt or
 * undo queued right behind it never fall back to EVAL out of order. Safe: immutable; Lettuce's async commands
 * are thread-safe.
 */
final class HolderScripts {
  static final LuaScript ADOPT = LuaScript.fromClasspath("lockstate.lua", "holders.lua", "holders_adopt.lua");
  static final LuaScript UNDO = LuaScript.fromClasspath("lockstate.lua", "holders.lua", "holders_undo.lua");
  static final LuaScript SLOT_ACQUIRE =
      LuaScript.fromClasspath("lockstate.lua", "holders.lua", "fence.lua", "semaphore_slot_acquire.lua");
  /** Loaded on every independent master's connection beside {@link LockScripts#ALL}. */
  static final List<LuaScript> ALL = List.of(RedisPrimitives.RW_ACQUIRE, SLOT_ACQUIRE, ADOPT, UNDO,
      RedisPrimitives.RELEASE, RedisPrimitives.RENEW, RedisPrimitives.COUNT);

  private final LockScripts scripts;

  private HolderScripts(LockScripts scripts) {
    this.scripts = scripts;
  }

  static HolderScripts on(QuorumMaster.Connected master) {
    return of(master.scripts());
  }

  static HolderScripts of(LockScripts scripts) {
    return new HolderScripts(scripts);
  }

  /** rwlock_acquire.lua: {@code {1, token, holds, fresh}}, {@code {0, pttl}} or {@code {-3}}. */
  CompletableFuture<List<Object>> rwAcquire(LockName name, String mode, OwnerToken owner, Duration ttl,
      long attemptId, String flag) {
    String[][] call = RedisPrimitives.rwCall(scripts.keys(), name, mode, owner, ttl, attemptId, flag);
    return RedisPrimitives.RW_ACQUIRE.run(scripts.commands(), ScriptOutputType.MULTI, call[0], call[1]);
  }

  /** semaphore_slot_acquire.lua: {@code {1, token, holds, fresh}} or {@code {0, pttl, mine, taken...}}. */
  CompletableFuture<List<Object>> slotAcquire(LockName name, OwnerToken owner, Duration ttl, long attemptId,
      int permits, int slot) {
    KeySpace keys = scripts.keys();
    return SLOT_ACQUIRE.run(scripts.commands(), ScriptOutputType.MULTI,
        new String[] {keys.holdersKey(name, RedisPrimitives.SEM), keys.expiriesKey(name, RedisPrimitives.SEM),
            keys.fenceKey(name)},
        owner.value(), LockScripts.ttlMillis(ttl), Long.toString(attemptId), Integer.toString(permits),
        Integer.toString(slot));
  }

  /** holders_adopt.lua: 1 when the attempt's hold now carries {@code token} and {@code holds}; slot -1 for none. */
  CompletableFuture<Long> adopt(LockName name, String kind, String member, OwnerToken owner, long attemptId,
      long token, int holds, int slot) {
    KeySpace keys = scripts.keys();
    return ADOPT.run(scripts.commands(), ScriptOutputType.INTEGER,
        new String[] {keys.holdersKey(name, kind), keys.expiriesKey(name, kind), keys.fenceKey(name)}, member,
        owner.value(), Long.toString(attemptId), Long.toString(token), Integer.toString(holds),
        slot < 0 ? "" : Integer.toString(slot));
  }

  /** holders_undo.lua: 1 when the hold the attempt added was given back, 0 when there was none. */
  CompletableFuture<Long> undo(LockName name, String kind, String member, OwnerToken owner, long attemptId) {
    KeySpace keys = scripts.keys();
    return UNDO.run(scripts.commands(), ScriptOutputType.INTEGER,
        new String[] {keys.holdersKey(name, kind), keys.expiriesKey(name, kind)}, member, owner.value(),
        Long.toString(attemptId), keys.holdersChannel(name, kind), "PUBLISH");
  }

  /** holders_release.lua: the holds left, or -1 when not held by that owner under that token. */
  CompletableFuture<Long> release(LockName name, String kind, String member, OwnerToken owner, FencingToken token,
      long requestId) {
    KeySpace keys = scripts.keys();
    return RedisPrimitives.RELEASE.run(scripts.commands(), ScriptOutputType.INTEGER,
        new String[] {keys.holdersKey(name, kind), keys.expiriesKey(name, kind)}, member, owner.value(),
        Long.toString(token.value()), Long.toString(requestId), keys.holdersChannel(name, kind), "PUBLISH");
  }

  /** holders_renew.lua over the whole batch (a standalone master has every key): one renewed-or-not per lease. */
  CompletableFuture<List<Boolean>> renew(String kind, List<RenewRequest> leases,
      Function<RenewRequest, String> member) {
    String[][] call = RedisPrimitives.renewCall(scripts.keys(), kind, leases, member);
    return RedisPrimitives.RENEW.<List<Object>>run(scripts.commands(), ScriptOutputType.MULTI, call[0], call[1])
        .thenApply(reply -> ScriptReplies.renew(reply, leases.size()));
  }

  /** holders_count.lua's list: one "owner token" string per live holder. */
  CompletableFuture<List<String>> holders(LockName name, String kind) {
    KeySpace keys = scripts.keys();
    return RedisPrimitives.COUNT.<List<Object>>run(scripts.commands(), ScriptOutputType.MULTI,
        new String[] {keys.holdersKey(name, kind), keys.expiriesKey(name, kind)}, "list").thenApply(reply -> {
          List<String> holders = new ArrayList<>(reply.size());
          for (Object holder : reply) {
            if (!(holder instanceof String value)) {
              throw new HoldfastException(ErrorCode.INTERNAL, "Unexpected reply from holders_count.lua: " + reply);
            }
            holders.add(value);
          }
          return holders;
        });
  }
}
