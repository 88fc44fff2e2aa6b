package io.holdfast.spring.boot;

import io.holdfast.Holdfast;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code holdfast} health indicator: UP when the backend answers a read of one lock (an {@code inspect} of
 * {@value #PROBE}, which changes nothing), DOWN with the failure when it does not within the client's retry budget.
 * The details name the backend ({@link Holdfast#describeBackend()}).
 */
public class HoldfastHealthIndicator extends AbstractHealthIndicator {
  /** The lock the probe reads; nothing ever holds it. */
  public static final String PROBE = "holdfast/health-probe";

  private final Holdfast holdfast;

  /**
   * An indicator for one client.
   *
   * @param holdfast the client whose backend is checked
   */
  public HoldfastHealthIndicator(Holdfast holdfast) {
    super("Holdfast backend unreachable");
    this.holdfast = holdfast;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    holdfast.inspect(PROBE);
    builder.up().withDetail("backend", holdfast.describeBackend());
  }
}
