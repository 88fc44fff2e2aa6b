package io.holdfast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import io.holdfast.shedlock.HoldfastLockProvider;
import io.holdfast.spring.integration.HoldfastLockRegistry;
import io.holdfast.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The starter as an application sees it, on a real redis-server (and once through the lock service): what
 * {@code holdfast.*} makes, what an application's own beans replace, and the health indicator's answers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HoldfastAutoConfigurationIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HoldfastAutoConfiguration.class));

  @Test
  void backendSet_clientRegistryProviderAndHealthUp() {
    runner.withPropertyValues("holdfast.backend=" + redis.uri(), "holdfast.client-name=starter-it",
        "holdfast.integration.registry-key=orders").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Holdfast.class)
              .hasSingleBean(HoldfastLockRegistry.class).hasSingleBean(HoldfastLockProvider.class);
          Holdfast holdfast = context.getBean(Holdfast.class);
          assertThat(holdfast.describeBackend()).startsWith(redis.uri());
          LockRegistry<DistributedLock> registry = context.getBean(HoldfastLockRegistry.class);
          String name = registry.executeLocked("42", () -> holdfast.inspect("orders:42").orElseThrow().name().value());
          assertThat(name).isEqualTo("orders:42");
          Health health = context.getBean(HoldfastHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("backend", holdfast.describeBackend());
        });
  }

  @Test
  void noBackend_startupFailsSayingWhatToSet() {
    runner.run(context -> assertThat(context).hasFailed().getFailure().rootCause()
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("holdfast.backend is not set")
        .hasMessageContaining("redis://host:6379"));
  }

  @Test
  void meterRegistryBean_theClientsMetersGoThere() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    runner.withPropertyValues("holdfast.backend=" + redis.uri()).withBean(MeterRegistry.class, () -> meters)
        .run(context -> {
          Holdfast holdfast = context.getBean(Holdfast.class);
          assertThat(holdfast.meterRegistry()).isSameAs(meters);
          try (Lease lease = holdfast.acquire("starter/metered", Duration.ofSeconds(5))) {
            assertThat(lease.isValid()).isTrue();
          }
          assertThat(meters.getMeters()).anyMatch(meter -> meter.getId().getName().startsWith("holdfast."));
        });
  }

  @Test
  void applicationBeans_replaceTheStartersOwn() {
    LockProvider own = configuration -> java.util.Optional.empty();
    runner.withPropertyValues("holdfast.backend=" + redis.uri())
        .withBean("myLockProvider", LockProvider.class, () -> own)
        .run(context -> assertThat(context).hasNotFailed().getBean(LockProvider.class).isSameAs(own));
  }

  @Test
  void healthDisabled_noIndicator() {
    runner.withPropertyValues("holdfast.backend=" + redis.uri(), "management.health.holdfast.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HoldfastHealthIndicator.class));
  }

  @Test
  void backendPaused_healthDown() {
    runner.withPropertyValues("holdfast.backend=" + redis.uri(), "holdfast.operation-timeout=200ms",
        "holdfast.retry-budget=500ms").run(context -> {
          HoldfastHealthIndicator indicator = context.getBean(HoldfastHealthIndicator.class);
          assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
          redis.server().pause();
          try {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
          } finally {
            redis.server().resume();
          }
        });
  }

  @Test
  void serviceBackend_shedLockThroughTheLockService() {
    try (HoldfastServer server =
        HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri())).build())) {
      runner.withPropertyValues("holdfast.backend=" + server.uri(), "holdfast.shedlock.prefix=jobs/")
          .run(context -> {
            LockProvider provider = context.getBean(LockProvider.class);
            LockConfiguration config = new LockConfiguration(java.time.Instant.now(), "nightly",
                Duration.ofSeconds(30), Duration.ZERO);
            var lock = provider.lock(config).orElseThrow();
            assertThat(provider.lock(config)).isEmpty();
            assertThat(context.getBean(Holdfast.class).inspect("jobs/nightly")).isPresent();
            lock.unlock();
            assertThat(context.getBean(HoldfastHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
          });
    }
  }
}
