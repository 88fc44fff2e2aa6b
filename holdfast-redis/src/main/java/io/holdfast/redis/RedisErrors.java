package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides which failures are worth retrying. Every lock operation is token-checked and carries a request id,
 * so repeating one is safe; what this decides is only whether repeating can help.
 *
 * <p>Transient: the connection is down or was lost mid-command, the server did not answer in time, or the
 * server said it cannot serve right now ({@code LOADING} a data set, {@code BUSY} running a script,
 * {@code TRYAGAIN}/{@code CLUSTERDOWN} during resharding or failover, {@code MASTERDOWN}/{@code READONLY} while
 * a replica is promoted, {@code NOREPLICAS}), and this backend's own {@link BackendUnavailableException} (too few replicas acknowledged a
 * grant, or too few independent masters answered). Not transient: anything else the server refused (a wrong type,
 * a Lua error, an authentication failure), and a connection this backend closed itself, since retrying cannot
 * bring that back. {@code NOSCRIPT} is answered inside {@link LuaScript} and never reaches the engine.
 *
 * <p>Safe: stateless.
 */
final class RedisErrors {

  /** Server error codes (the first word of the error reply) that announce a passing condition. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "NOREPLICAS");

  /** Lettuce's message for a command it refused to queue because the connection is down. */
  private static final String REJECTED_WHILE_DISCONNECTED = "Currently not connected. Commands are rejected.";

  /**
   * Messages of plain {@link RedisException}s that Lettuce raises when the connection drops under a command,
   * or while it is down (with {@code DisconnectedBehavior.REJECT_COMMANDS}).
   */
  private static final Set<String> CONNECTION_LOSS_MESSAGES = Set.of(
      "Connection closed", "Connection disconnected", REJECTED_WHILE_DISCONNECTED);

  private RedisErrors() { }

  /**
   * Whether retrying after a backoff may succeed.
   *
   * @param failure a failure, possibly wrapped in {@link CompletionException} or {@link ExecutionException}
   * @return true when transient
   */
  static boolean isTransient(Throwable failure) {
    Throwable error = unwrap(failure);
    if (error instanceof BackendUnavailableException) {
      return true; // raised by this backend itself: replicas lagging, or no quorum of independent masters
    }
    if (error instanceof RedisConnectionException || error instanceof RedisCommandTimeoutException
        || error instanceof IOException) {
      return true;
    }
    if (error instanceof RedisNoScriptException) {
      return false;
    }
    if (error instanceof RedisCommandExecutionException) {
      return TRANSIENT_CODES.contains(errorCode(error.getMessage()));
    }
    if (error instanceof RedisException) {
      return CONNECTION_LOSS_MESSAGES.contains(error.getMessage()) || error.getCause() instanceof IOException;
    }
    return false;
  }

  /**
   * Whether a failure proves that the command never left this client: Lettuce rejected it because the connection
   * was down ({@code DisconnectedBehavior.REJECT_COMMANDS}), so Redis cannot have run it, now or later. A
   * connection lost or a timeout under a command written to the socket is not such proof.
   *
   * @param failure a failure, possibly wrapped in {@link CompletionException} or {@link ExecutionException}
   * @return true only when the command was certainly not sent
   */
  static boolean neverSent(Throwable failure) {
    Throwable error = unwrap(failure);
    return error instanceof RedisException && !(error instanceof RedisCommandExecutionException)
        && REJECTED_WHILE_DISCONNECTED.equals(error.getMessage());
  }

  /**
   * Strips the wrappers that futures add.
   *
   * @param failure a failure
   * @return the innermost cause that is not a {@link CompletionException} or {@link ExecutionException}
   */
  static Throwable unwrap(Throwable failure) {
    Throwable error = failure;
    while ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  /** The first word of a server error ("BUSY Redis is busy running a script..." gives "BUSY"). */
  private static String errorCode(String message) {
    if (message == null) {
      return "";
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }
}
