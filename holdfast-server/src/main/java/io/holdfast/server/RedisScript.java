package io.holdfast.server;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/*
 * One service script: common.lua followed by the script file, sent as one source and called by its SHA1 with
 * EVALSHA. The SHA1 is computed here from the bytes Lettuce sends, so it matches SCRIPT LOAD without a round
 * trip. The server's script cache is not durable (restart, failover, SCRIPT FLUSH): on NOSCRIPT the call is
 * re-sent once as EVAL with the full source, which caches it again. Re-sending is safe because a script that
 * failed with NOSCRIPT never ran. On Cluster, Lettuce routes the call by its first key, and every service
 * script's keys share one slot (common.lua), so each call lands on that slot's master. Immutable; Lettuce's
 * async commands are thread-safe.
 */
final class RedisScript {
  private static final String COMMON = read("common.lua");

  private final String source;
  private final String sha1;

  private RedisScript(String source) {
    this.source = source;
    this.sha1 = sha1Hex(source);
  }

  /** Loads {@code io/holdfast/server/<file>} with common.lua in front. */
  static RedisScript load(String file) {
    return new RedisScript(COMMON + read(file));
  }

  /**
   * Loads one of the holdfast-redis library's scripts as it is ({@code /io/holdfast/redis/<file>}), so the
   * service's quorum mode settles tokens with exactly the library's adopt.lua and undo.lua.
   */
  static RedisScript library(String file) {
    return new RedisScript(read("/io/holdfast/redis/" + file));
  }

  /** Runs the script, returning its array reply. */
  CompletableFuture<List<Object>> run(RedisClusterAsyncCommands<String, String> commands, List<String> keys,
      List<String> args) {
    String[] keyArray = keys.toArray(new String[0]);
    String[] argArray = args.toArray(new String[0]);
    CompletableFuture<List<Object>> bySha =
        commands.<List<Object>>evalsha(sha1, ScriptOutputType.MULTI, keyArray, argArray).toCompletableFuture();
    return bySha.<CompletionStage<List<Object>>>handle((reply, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(reply);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof RedisNoScriptException) {
        return commands.<List<Object>>eval(source, ScriptOutputType.MULTI, keyArray, argArray);
      }
      return CompletableFuture.failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  private static String read(String file) {
    try (InputStream in = RedisScript.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("Lua script io/holdfast/server/" + file + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua script " + file, e);
    }
  }

  private static String sha1Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-1", e);
    }
  }
}
