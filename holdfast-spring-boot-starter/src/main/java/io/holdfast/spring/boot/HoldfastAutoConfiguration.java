package io.holdfast.spring.boot;

import io.holdfast.Holdfast;
import io.holdfast.shedlock.HoldfastLockProvider;
import io.holdfast.spring.integration.HoldfastLockRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.LockProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Auto-configuration of Holdfast for Spring Boot: one {@link Holdfast} client from the {@code holdfast.*}
 * properties ({@code holdfast.backend} is required), its metrics in the application's {@link MeterRegistry} when
 * there is one, and, each when its module is on the class path and the application has not defined its own: a
 * Spring Integration {@link HoldfastLockRegistry}, a ShedLock {@link HoldfastLockProvider}, and the
 * {@code holdfast} health indicator ({@code management.health.holdfast.enabled=false} turns it off).
 *
 * <p>The client is closed with the context, which releases every lock it still holds.
 */
@AutoConfiguration
@ConditionalOnClass(Holdfast.class)
@EnableConfigurationProperties(HoldfastProperties.class)
public class HoldfastAutoConfiguration {

  /**
   * The application's Holdfast client.
   *
   * @param properties {@code holdfast.*}
   * @param meterRegistry the application's registry, if it has exactly one (or a primary)
   * @return the connected client
   * @throws io.holdfast.InvalidArgumentException when {@code holdfast.backend} is not set or not supported
   */
  @Bean
  @ConditionalOnMissingBean
  public Holdfast holdfast(HoldfastProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
    return Holdfast.connect(properties.toOptions(meterRegistry.getIfUnique()));
  }

  /** The Spring Integration lock registry, when holdfast-spring-integration is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({LockRegistry.class, HoldfastLockRegistry.class})
  static class IntegrationConfiguration {
    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    HoldfastLockRegistry holdfastLockRegistry(Holdfast holdfast, HoldfastProperties properties) {
      return new HoldfastLockRegistry(holdfast, properties.getIntegration().getRegistryKey(),
          properties.getIntegration().getExpireAfter());
    }
  }

  /** The ShedLock lock provider, when holdfast-shedlock is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({LockProvider.class, HoldfastLockProvider.class})
  static class ShedLockConfiguration {
    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    HoldfastLockProvider holdfastLockProvider(Holdfast holdfast, HoldfastProperties properties) {
      return new HoldfastLockProvider(holdfast, properties.getShedlock().getPrefix());
    }
  }

  /** The health indicator, when Spring Boot's health support is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("holdfast")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "holdfastHealthIndicator")
    HoldfastHealthIndicator holdfastHealthIndicator(Holdfast holdfast) {
      return new HoldfastHealthIndicator(holdfast);
    }
  }
}
