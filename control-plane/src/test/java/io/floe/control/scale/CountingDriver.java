package io.floe.control.scale;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A JDBC driver in front of the real one that counts the statements each database client executes:
 * {@code jdbc:counting:<label>:postgresql://...} opens {@code jdbc:postgresql://...} and counts
 * every execution under the label (the store, the JDBC catalog), in {@link #calls}.
 */
public final class CountingDriver implements Driver {
  static final String PREFIX = "jdbc:counting:";
  private static final Set<String> EXECUTIONS =
      Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch");

  /** Where the executions are counted: set by the benchmark before anything connects. */
  static volatile CallCounts calls = new CallCounts();

  static {
    try {
      DriverManager.registerDriver(new CountingDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The URL of {@code url} (a jdbc: URL) through this driver, counted under {@code label}. */
  static String url(String label, String url) {
    if (!url.startsWith("jdbc:") || label.contains(":")) {
      throw new IllegalArgumentException("not a JDBC URL or a bad label: " + label + " " + url);
    }
    return PREFIX + label + ":" + url.substring("jdbc:".length());
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    String rest = url.substring(PREFIX.length());
    int colon = rest.indexOf(':');
    String label = rest.substring(0, colon);
    Connection real = DriverManager.getConnection("jdbc:" + rest.substring(colon + 1), info);
    return (Connection) counting(real, Connection.class, "jdbc " + label);
  }

  private static Object counting(Object target, Class<?> type, String system) {
    return Proxy.newProxyInstance(
        CountingDriver.class.getClassLoader(),
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (EXECUTIONS.contains(method.getName())) {
            calls.count(system, "statement");
          }
          try {
            Object result = method.invoke(target, args);
            if (result instanceof Statement statement && method.getName().endsWith("Statement")) {
              Class<?> statementType =
                  method.getReturnType().isInterface() ? method.getReturnType() : Statement.class;
              return counting(statement, statementType, system);
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
