package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.internal.ExceptionFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisErrorsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "LOADING Redis is loading the dataset in memory",
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
      "TRYAGAIN Multiple keys request during rehashing of slot",
      "CLUSTERDOWN The cluster is down",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      "READONLY You can't write against a read only replica.",
      "NOREPLICAS Not enough good replicas to write."})
  void serverError_passingCondition_isTransient(String reply) {
    assertThat(RedisErrors.isTransient(ExceptionFactory.createExecutionException(reply))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "NOSCRIPT No matching script. Please use EVAL.",
      "ERR Error running script (call to f_1234): @user_script:1: Script attempted to access nonexistent global",
      "WRONGTYPE Operation against a key holding the wrong kind of value",
      "BUSYKEY Target key name already exists.",
      "BUSYGROUP Consumer Group name already exists",
      "NOAUTH Authentication required.",
      "WRONGPASS invalid username-password pair or user is disabled.",
      "OOM command not allowed when used memory > 'maxmemory'."})
  void serverError_permanentOrHandledInternally_isNotTransient(String reply) {
    assertThat(RedisErrors.isTransient(ExceptionFactory.createExecutionException(reply))).isFalse();
  }

  @Test
  void connectionAndTimeoutFailures_areTransient() {
    assertThat(RedisErrors.isTransient(new RedisConnectionException("Unable to connect to 127.0.0.1:1"))).isTrue();
    assertThat(RedisErrors.isTransient(ExceptionFactory.createTimeoutException(java.time.Duration.ofSeconds(1))))
        .isTrue();
    assertThat(RedisErrors.isTransient(new RedisCommandTimeoutException("Command timed out"))).isTrue();
    assertThat(RedisErrors.isTransient(new IOException("Connection reset by peer"))).isTrue();
    assertThat(RedisErrors.isTransient(new ClosedChannelException())).isTrue();
    assertThat(RedisErrors.isTransient(new ConnectException("Connection refused"))).isTrue();
  }

  @Test
  void lettuceConnectionLossMessages_areTransient() {
    assertThat(RedisErrors.isTransient(new RedisException("Connection closed"))).isTrue();
    assertThat(RedisErrors.isTransient(new RedisException("Connection disconnected"))).isTrue();
    assertThat(RedisErrors.isTransient(new RedisException("Currently not connected. Commands are rejected.")))
        .isTrue();
    assertThat(RedisErrors.isTransient(new RedisException(new IOException("Broken pipe")))).isTrue();
  }

  @Test
  void connectionClosedByThisClient_isNotTransient() {
    assertThat(RedisErrors.isTransient(new RedisException("Connection is closed"))).isFalse();
  }

  @Test
  void wrappedFailure_isClassifiedByItsCause() {
    Throwable timeout = new RedisCommandTimeoutException("Command timed out after 1 second(s)");
    assertThat(RedisErrors.isTransient(new CompletionException(timeout))).isTrue();
    assertThat(RedisErrors.isTransient(new ExecutionException(timeout))).isTrue();
    assertThat(RedisErrors.isTransient(new CompletionException(new ExecutionException(timeout)))).isTrue();
    Throwable wrongType = ExceptionFactory.createExecutionException("WRONGTYPE Operation against a key");
    assertThat(RedisErrors.isTransient(new CompletionException(wrongType))).isFalse();
    assertThat(RedisErrors.unwrap(new CompletionException(new ExecutionException(timeout)))).isSameAs(timeout);
  }

  @Test
  void nonRedisFailures_areNotTransient() {
    assertThat(RedisErrors.isTransient(new HoldfastException(ErrorCode.INTERNAL, "bad reply"))).isFalse();
    assertThat(RedisErrors.isTransient(new IllegalStateException("bug"))).isFalse();
    assertThat(RedisErrors.isTransient(new RedisCommandInterruptedException(new InterruptedException())))
        .isFalse();
    assertThat(RedisErrors.isTransient(new RedisCommandExecutionException((String) null))).isFalse();
    assertThat(RedisErrors.isTransient(new CompletionException(null))).isFalse();
  }

  @Test
  void neverSent_rejectedWhileDisconnected_isTrueEvenWrapped() {
    RedisException rejected = new RedisException("Currently not connected. Commands are rejected.");
    assertThat(RedisErrors.neverSent(rejected)).isTrue();
    assertThat(RedisErrors.neverSent(new CompletionException(rejected))).isTrue();
  }

  @Test
  void neverSent_connectionLostOrTimeoutUnderAWrittenCommand_isFalse() {
    assertThat(RedisErrors.neverSent(new RedisException("Connection closed"))).isFalse();
    assertThat(RedisErrors.neverSent(new RedisCommandTimeoutException("Command timed out after 1 second(s)")))
        .isFalse();
    assertThat(RedisErrors.neverSent(new RedisConnectionException("Unable to connect"))).isFalse();
    assertThat(RedisErrors.neverSent(ExceptionFactory.createExecutionException(
        "ERR Currently not connected. Commands are rejected."))).isFalse();
  }
}
