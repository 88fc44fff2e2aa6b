package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.spi.LockBackendProvider;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of the set-up that need no server: URI parsing, names, keys and the service registration. */
class RedisConnectionsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  @Test
  void parse_fullUri_keepsCredentialsDatabaseAndCommandTimeout() {
    RedisURI uri = RedisConnections.parse(URI.create("redis://user:secret@db.example:6380/3"), TIMEOUT);
    assertThat(uri.getHost()).isEqualTo("db.example");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.getDatabase()).isEqualTo(3);
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("user");
    assertThat(new String(credentials.getPassword())).isEqualTo("secret");
    assertThat(uri.getTimeout()).isEqualTo(TIMEOUT);
    assertThat(RedisConnections.safeUri(uri)).isEqualTo("redis://db.example:6380/3");
  }

  @Test
  void parse_tlsUri_isSslWithDefaultPort() {
    RedisURI uri = RedisConnections.parse(URI.create("rediss://:pw@cache.example"), TIMEOUT);
    assertThat(uri.isSsl()).isTrue();
    assertThat(RedisConnections.safeUri(uri)).isEqualTo("rediss://cache.example:6379");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://h:notaport", "redis://h:6379/notadb", "redis:///nohost", "http://h:6379",
      "redis:opaque"})
  void parse_malformedUri_throwsInvalidArgumentWithoutPassword(String text) {
    String withPassword = text.replace("//", "//user:hunter2@");
    assertThatThrownBy(() -> RedisConnections.parse(URI.create(withPassword), TIMEOUT))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void clientName_withSpacesAndControls_isSanitized() {
    assertThat(RedisConnections.clientName("order service\t#1")).isEqualTo("order_service_#1");
    assertThat(RedisConnections.clientName("holdfast-42")).isEqualTo("holdfast-42");
  }

  @Test
  void serverVersion_fromInfo_isParsed() {
    assertThat(RedisConnections.serverVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"))
        .isEqualTo("7.0.15");
  }

  @Test
  void keySpace_standalone_sharesHashTagAndOneCounter() {
    KeySpace keys = KeySpace.standalone("holdfast");
    LockName name = LockName.of("orders/42");
    assertThat(keys.lockKey(name)).isEqualTo("holdfast:{orders/42}");
    assertThat(keys.releaseChannel(name)).isEqualTo("holdfast:{orders/42}:released");
    assertThat(keys.fenceKey(name)).isEqualTo("holdfast:fence");
    assertThat(keys.fenceKey(LockName.of("other"))).isEqualTo("holdfast:fence");
  }

  @Test
  void provider_isRegisteredForRedisSchemesOnly() {
    LockBackendProvider provider = ServiceLoader.load(LockBackendProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p instanceof RedisLockBackendProvider)
        .findFirst().orElseThrow();
    assertThat(provider.supports(URI.create("redis://127.0.0.1:6379"))).isTrue();
    assertThat(provider.supports(URI.create("REDISS://127.0.0.1:6379"))).isTrue();
    assertThat(provider.supports(URI.create("embedded:default"))).isFalse();
    assertThat(provider.supports(URI.create("redis-sentinel://127.0.0.1:26379"))).isTrue();
    assertThat(provider.supports(URI.create("redis-cluster://127.0.0.1:7000"))).isTrue();
    assertThat(provider.supports(URI.create("rediss-quorum://127.0.0.1:7000"))).isTrue();
    assertThat(provider.supports(URI.create("redis-socket:///tmp/redis.sock"))).isFalse();
    assertThat(provider.supports(URI.create("memcached://127.0.0.1:11211"))).isFalse();
  }

  @Test
  void open_malformedUri_throwsInvalidArgument() {
    HoldfastOptions options = HoldfastOptions.builder().backend("redis://127.0.0.1:port").build();
    assertThatThrownBy(() -> new RedisLockBackendProvider().open(options))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("redis://127.0.0.1:port");
  }
}
