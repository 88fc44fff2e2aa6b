package io.holdfast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The configuration metadata IDEs read to complete and document {@code holdfast.*} is in the jar. */
class ConfigurationMetadataTest {
  @Test
  void metadata_listsEveryPropertyWithItsDescription() throws IOException {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-configuration-metadata.json on the class path").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(json).contains("\"name\": \"holdfast.backend\"", "\"name\": \"holdfast.operation-timeout\"",
        "\"name\": \"holdfast.integration.registry-key\"", "\"name\": \"holdfast.integration.expire-after\"",
        "\"name\": \"holdfast.shedlock.prefix\"", "\"name\": \"holdfast.renewal-fraction\"")
        .contains("\"description\": \"Where locks live: redis:");
  }
}
