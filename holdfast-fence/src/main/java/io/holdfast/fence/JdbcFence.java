package io.holdfast.fence;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.InvalidArgumentException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The resource's side of fencing for rows of a SQL table: each row keeps, in a token column, the highest fencing
 * token that wrote it, and a write applies only with a token at least that high. It is the fenced-update pattern,
 * in portable SQL (PostgreSQL, MySQL/MariaDB, H2, ...):
 *
 * <pre>
 * UPDATE orders SET status = ?, fence = ? WHERE id = ? AND fence &lt;= ?
 * </pre>
 *
 * <p>The database makes that one statement atomic: a concurrent write to the row waits for this one and then
 * re-checks the {@code WHERE} against the row as this one left it (PostgreSQL at READ COMMITTED and above; MySQL
 * InnoDB, whose {@code UPDATE} reads the latest committed row), so a lower token cannot slip in after a higher
 * one. Three lines a user adds:
 *
 * <pre>{@code
 * JdbcFence orders = JdbcFence.of("orders", "id", "fence");   // fence BIGINT NOT NULL
 * orders.write(connection, lease.fencingToken(), 42L, Map.of("status", "shipped"))
 *     .requireApplied("orders 42", lease.fencingToken());
 * }</pre>
 *
 * <p><b>Insert or refuse.</b> {@link #write} updates the row if it exists and otherwise inserts it with the token;
 * if another writer inserts the same id first (the id column must be the primary key or unique), the insert fails
 * and the fenced update decides instead. Inside a transaction (auto-commit off) the insert runs under a savepoint,
 * so that failure does not abort the caller's transaction (PostgreSQL would). {@link #update} never inserts.
 *
 * <p><b>Transactions.</b> The guard runs in the caller's connection and never commits or rolls back: with
 * auto-commit off, the row stays locked until the caller commits, and the write is visible (and fences others)
 * only then. Commit promptly. Use auto-commit or READ COMMITTED (PostgreSQL's default): after an update that
 * matched nothing, the guard reads the row's fence to tell a refusal from a missing row, and at REPEATABLE READ
 * (MySQL's default) that read sees the transaction's old snapshot, so the guard may fail with {@code INTERNAL}
 * instead of deciding; PostgreSQL at REPEATABLE READ or SERIALIZABLE may also fail the update with a
 * serialization error (SQLSTATE 40001), which the caller retries as it would any other.
 *
 * <p><b>Names</b> of the table and columns are put into the SQL as given, so they must be plain identifiers
 * (letters, digits, {@code _}, {@code $}, optionally qualified with {@code .}); quote nothing, the check refuses
 * anything else. Values are always bound parameters.
 *
 * <p><b>Failures.</b> A connection failure ({@code SQLSTATE} class 08, or a transient {@link SQLException}) throws
 * {@link BackendUnavailableException}; any other {@link SQLException} throws {@link HoldfastException} with code
 * {@code INTERNAL} and the exception as cause. Immutable and thread-safe; the connection is the caller's.
 */
public final class JdbcFence {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

  /* Each round ends in a decision unless another writer changed the row under it; three is plenty. */
  private static final int ROUNDS = 3;

  private final String table;
  private final String idColumn;
  private final String fenceColumn;

  private JdbcFence(String table, String idColumn, String fenceColumn) {
    this.table = identifier(table, "table");
    this.idColumn = identifier(idColumn, "id column");
    this.fenceColumn = identifier(fenceColumn, "fence column");
  }

  /**
   * A guard for the rows of {@code table}.
   *
   * @param table the table
   * @param idColumn its primary key (or a unique column)
   * @param fenceColumn a {@code BIGINT NOT NULL} column holding the highest token that wrote the row
   * @return the guard
   * @throws InvalidArgumentException when a name is not a plain identifier
   */
  public static JdbcFence of(String table, String idColumn, String fenceColumn) {
    return new JdbcFence(table, idColumn, fenceColumn);
  }

  /**
   * Sets {@code values} on the row {@code id} if {@code token} is at least the row's fence, and raises the fence
   * to {@code token}; inserts the row with {@code token} if there is none.
   *
   * @param connection the caller's connection, left open and uncommitted
   * @param token the writer's fencing token
   * @param id the row's id, bound with {@code setObject}
   * @param values column to value, at least one, neither the id nor the fence column; bound with
   *     {@code setObject} in iteration order
   * @return applied (reply {@code "1"}), or refused with the row's higher fence
   * @throws InvalidArgumentException when {@code values} is empty or names the id or fence column
   * @throws BackendUnavailableException when the database connection failed
   */
  public FenceVerdict write(Connection connection, FencingToken token, Object id, Map<String, ?> values) {
    for (int round = 0; round < ROUNDS; round++) {
      Optional<FenceVerdict> updated = tryUpdate(connection, token, id, values);
      if (updated.isPresent()) {
        return updated.get();
      }
      // No row: insert it. A concurrent insert of the same id makes ours fail; the next round's update decides.
      if (insert(connection, token, id, values)) {
        return FenceVerdict.applied(token, "1");
      }
    }
    // Only a row deleted and re-inserted by others between every update and insert gets here.
    throw new HoldfastException(ErrorCode.INTERNAL, "row " + id + " of " + table + " was neither updatable nor"
        + " insertable in " + ROUNDS + " rounds; is " + idColumn + " its primary key, and is it being deleted?");
  }

  /**
   * Sets {@code values} on the existing row {@code id} if {@code token} is at least the row's fence, and raises the
   * fence to {@code token}.
   *
   * @param connection the caller's connection, left open and uncommitted
   * @param token the writer's fencing token
   * @param id the row's id
   * @param values column to value, at least one, neither the id nor the fence column
   * @return applied (reply {@code "1"}), or refused with the row's higher fence
   * @throws InvalidArgumentException when there is no such row (nothing changed), or {@code values} is empty or
   *     names the id or fence column
   * @throws BackendUnavailableException when the database connection failed
   */
  public FenceVerdict update(Connection connection, FencingToken token, Object id, Map<String, ?> values) {
    return tryUpdate(connection, token, id, values).orElseThrow(() -> new InvalidArgumentException(
        "no row " + id + " in " + table + " to update"));
  }

  /*
   * The fenced update, then, when it matched nothing, the fence that refused it; empty when the row is absent.
   * Matching nothing does not prove a higher fence: at READ COMMITTED the update may have run before another
   * writer's insert of the row committed, and the read after it sees that row with a fence at or below ours. The
   * update is then run again (the fence only grows, so each round either applies or meets a higher fence).
   */
  private Optional<FenceVerdict> tryUpdate(Connection connection, FencingToken token, Object id,
      Map<String, ?> values) {
    String sql = updateSql(columns(values));
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      int index = bind(update, values);
      update.setLong(index++, token.value());
      update.setObject(index++, id);
      update.setLong(index, token.value());
      for (int round = 0; round < ROUNDS; round++) {
        if (update.executeUpdate() > 0) {
          return Optional.of(FenceVerdict.applied(token, "1"));
        }
        Optional<FencingToken> highest = highest(connection, id);
        if (highest.isEmpty()) {
          return Optional.empty();
        }
        if (highest.get().isNewerThan(token)) {
          return Optional.of(FenceVerdict.refused(highest.get()));
        }
      }
      throw new HoldfastException(ErrorCode.INTERNAL, "fenced update of " + table + " row " + id + " matched"
          + " nothing " + ROUNDS + " times although its fence was not above " + token);
    } catch (SQLException e) {
      throw failure("fenced update of " + table + " row " + id, e);
    }
  }

  private String updateSql(List<String> columns) {
    StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
    for (String column : columns) {
      sql.append(column).append(" = ?, ");
    }
    return sql.append(fenceColumn).append(" = ? WHERE ").append(idColumn).append(" = ? AND ").append(fenceColumn)
        .append(" <= ?").toString();
  }

  private Optional<FencingToken> highest(Connection connection, Object id) throws SQLException {
    String sql = "SELECT " + fenceColumn + " FROM " + table + " WHERE " + idColumn + " = ?";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(new FencingToken(row.getLong(1))) : Optional.empty();
      }
    }
  }

  /* True when inserted; false when a row with that id appeared first (a constraint violation, SQLSTATE 23xxx). */
  private boolean insert(Connection connection, FencingToken token, Object id, Map<String, ?> values) {
    List<String> columns = columns(values);
    String sql = "INSERT INTO " + table + " (" + idColumn + ", " + String.join(", ", columns) + ", " + fenceColumn
        + ") VALUES (" + "?, ".repeat(columns.size() + 1) + "?)";
    try {
      boolean inTransaction = !connection.getAutoCommit();
      Savepoint savepoint = inTransaction ? connection.setSavepoint() : null;
      try (PreparedStatement insert = connection.prepareStatement(sql)) {
        insert.setObject(1, id);
        int index = bind(insert, values, 2);
        insert.setLong(index, token.value());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!isConstraintViolation(e)) {
          throw e;
        }
        if (savepoint != null) {
          connection.rollback(savepoint);
        }
        return false;
      }
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return true;
    } catch (SQLException e) {
      throw failure("fenced insert into " + table + " of row " + id, e);
    }
  }

  private static boolean isConstraintViolation(SQLException e) {
    return e instanceof SQLIntegrityConstraintViolationException
        || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
  }

  private List<String> columns(Map<String, ?> values) {
    if (values.isEmpty()) {
      throw new InvalidArgumentException("a fenced write needs at least one column to set");
    }
    List<String> columns = new ArrayList<>(values.size());
    for (String column : values.keySet()) {
      if (column.equalsIgnoreCase(idColumn) || column.equalsIgnoreCase(fenceColumn)) {
        throw new InvalidArgumentException("column " + column + " is the guard's own (id or fence); leave it out");
      }
      columns.add(identifier(column, "column"));
    }
    return columns;
  }

  private static int bind(PreparedStatement statement, Map<String, ?> values) throws SQLException {
    return bind(statement, values, 1);
  }

  private static int bind(PreparedStatement statement, Map<String, ?> values, int first) throws SQLException {
    int index = first;
    for (Object value : values.values()) {
      statement.setObject(index++, value);
    }
    return index;
  }

  private static String identifier(String name, String what) {
    Objects.requireNonNull(name, what);
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new InvalidArgumentException(what + " '" + name + "' is not a plain SQL identifier");
    }
    return name;
  }

  private static HoldfastException failure(String what, SQLException e) {
    String state = e.getSQLState();
    if (e instanceof SQLTransientException || (state != null && state.startsWith("08"))) {
      return new BackendUnavailableException(what + " did not complete (SQLSTATE " + state + "): " + e.getMessage()
          + "; it may or may not have been applied", e);
    }
    return new HoldfastException(ErrorCode.INTERNAL, what + " failed (SQLSTATE " + state + "): " + e.getMessage(),
        e);
  }
}
