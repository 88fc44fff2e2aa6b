package io.holdfast.redis;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lua script from the class path, called by its SHA1 with {@code EVALSHA}.
 *
 * <p>The SHA1 is computed here from the same UTF-8 bytes Lettuce sends, so it matches the server's
 * {@code SCRIPT LOAD} digest without a round trip. The server's script cache is not durable: a restart, a
 * failover to a replica that never saw the script, or {@code SCRIPT FLUSH} empties it, and {@code EVALSHA} then
 * fails with {@code NOSCRIPT}. That call is re-sent once as {@code EVAL} with the full source, which also puts
 * the script back in the cache, so the next call by SHA works again. Resending is safe because a script that
 * failed with {@code NOSCRIPT} never ran.
 *
 * <p>Safe: immutable; Lettuce's async commands are thread-safe.
 */
final class LuaScript {
  private static final Logger LOG = LoggerFactory.getLogger(LuaScript.class);

  private final String name;
  private final String source;
  private final String sha1;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1Hex(source);
  }

  /**
   * Reads {@code io/holdfast/redis/<name>} from the class path.
   *
   * @param name the file name, e.g. {@code acquire.lua}
   * @return the script
   * @throws IllegalStateException when the resource is missing (a packaging bug)
   */
  static LuaScript fromClasspath(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Lua script io/holdfast/redis/" + name + " is missing from the class path");
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Lua script " + name, e);
    }
  }

  String name() {
    return name;
  }

  String sha1() {
    return sha1;
  }

  String source() {
    return source;
  }

  /**
   * Runs the script by SHA, falling back to the full source on {@code NOSCRIPT}.
   *
   * @param commands the connection
   * @param type how to decode the reply
   * @param keys the script's KEYS
   * @param args the script's ARGV
   * @param <T> the decoded reply type ({@code Long} for an integer, {@code List<Object>} for an array)
   * @return the reply
   */
  <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
      String[] keys, String... args) {
    CompletableFuture<T> bySha = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    // One dependent stage, and none of its work on success: this runs on the connection's I/O thread.
    return bySha.exceptionallyCompose(failure -> {
      if (RedisErrors.unwrap(failure) instanceof RedisNoScriptException) {
        LOG.debug("Script {} is not in the Redis script cache (restart, failover or SCRIPT FLUSH); "
            + "sending its source with EVAL", name);
        return commands.<T>eval(source, type, keys, args);
      }
      return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(failure));
    });
  }

  /**
   * Runs the script by SHA and, pipelined right behind it on the same connection without waiting for its
   * reply, the command {@code next} makes (a {@code WAIT}). On {@code NOSCRIPT} the script is re-sent as
   * {@code EVAL} and {@code next} is sent again behind it, so that {@code next} always follows the write it is
   * about: the first one followed a script that never ran.
   *
   * @param commands the connection (standalone or Sentinel: one server, so the two cannot be split up)
   * @param type how to decode the script's reply
   * @param keys the script's KEYS
   * @param args the script's ARGV
   * @param next sends the follow-up command
   * @param <T> the script's reply type
   * @param <U> the follow-up's reply type
   * @return both replies
   */
  <T, U> CompletableFuture<Followed<T, U>> runFollowedBy(RedisClusterAsyncCommands<String, String> commands,
      ScriptOutputType type, String[] keys, String[] args, Supplier<CompletableFuture<U>> next) {
    CompletableFuture<T> bySha = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    CompletableFuture<U> behind = next.get();
    return bySha.<CompletionStage<Followed<T, U>>>handle((reply, failure) -> {
      if (failure == null) {
        return behind.thenApply(value -> new Followed<>(reply, value));
      }
      if (RedisErrors.unwrap(failure) instanceof RedisNoScriptException) {
        LOG.debug("Script {} is not in the Redis script cache; sending its source with EVAL", name);
        CompletableFuture<T> byEval = commands.<T>eval(source, type, keys, args).toCompletableFuture();
        return byEval.thenCombine(next.get(), Followed::new);
      }
      return CompletableFuture.failedFuture(RedisErrors.unwrap(failure));
    }).thenCompose(stage -> stage);
  }

  /**
   * A script's reply and the reply of the command pipelined behind it.
   *
   * @param reply the script's reply
   * @param next the follow-up's reply
   * @param <T> the script's reply type
   * @param <U> the follow-up's reply type
   */
  record Followed<T, U>(T reply, U next) { }

  private static String sha1Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform must provide SHA-1", e);
    }
  }
}
