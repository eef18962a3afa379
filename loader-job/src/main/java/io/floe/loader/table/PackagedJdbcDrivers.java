package io.floe.loader.table;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the JDBC drivers packaged with the loader (PostgreSQL, SQLite) usable from the loader's own
 * class loader, before a JDBC catalog connects.
 *
 * <p>{@link DriverManager} looks for drivers once per JVM, with the class loader of the thread that
 * asks first, and hands a registered driver only to callers whose class loader loads that very
 * driver class. On a Flink session cluster every job has a user-code class loader of its own, so
 * only the first job's copy of the driver was registered, and every later job's catalog failed with
 * "No suitable driver". Loading the drivers through this class's own class loader runs their static
 * initialisers, which register this copy; a copy that is still not offered (a driver that does not
 * register itself) is registered here.
 *
 * <p>A registered driver keeps its class loader, and every class the job loaded, alive for as long
 * as the JVM runs: when the loader runs in a class loader of its own, its drivers are deregistered
 * once nothing of the job uses that class loader any more.
 */
public final class PackagedJdbcDrivers {
  private static final Logger LOG = LoggerFactory.getLogger(PackagedJdbcDrivers.class);

  private PackagedJdbcDrivers() {}

  /** Registers every driver this class's class loader finds, unless DriverManager offers it. */
  static synchronized void register() {
    List<Driver> packaged = new ArrayList<>();
    Iterator<Driver> found =
        ServiceLoader.load(Driver.class, PackagedJdbcDrivers.class.getClassLoader()).iterator();
    while (found.hasNext()) {
      try {
        packaged.add(found.next());
      } catch (ServiceConfigurationError e) {
        // As DriverManager does: a driver that cannot load must not keep the others from working.
        LOG.warn("Skipping a JDBC driver that cannot be loaded: {}", e.toString());
      }
    }
    Set<Class<?>> offered =
        DriverManager.drivers().map(Object::getClass).collect(Collectors.toSet());
    for (Driver driver : packaged) {
      if (!offered.contains(driver.getClass())) {
        try {
          DriverManager.registerDriver(driver);
        } catch (SQLException e) {
          throw new IllegalStateException("Cannot register JDBC driver " + driver, e);
        }
        offered.add(driver.getClass());
      }
    }
  }

  /**
   * Deregisters the drivers of this class loader when Flink releases it, after the job's last task
   * on this TaskManager ended; nothing when the loader shares Flink's class loader (which outlives
   * every job).
   */
  public static void deregisterOnRelease(RuntimeContext context) {
    if (inClassLoaderOfItsOwn()) {
      context.registerUserCodeClassLoaderReleaseHookIfAbsent(
          PackagedJdbcDrivers.class.getName(), PackagedJdbcDrivers::deregister);
    }
  }

  /**
   * Deregisters the drivers of this class loader, when it is one of the loader's own: for the job's
   * main(), whose class loader is done with once the job graph is built.
   */
  public static synchronized void deregister() {
    if (!inClassLoaderOfItsOwn()) {
      return;
    }
    ClassLoader own = PackagedJdbcDrivers.class.getClassLoader();
    for (Driver driver : DriverManager.drivers().collect(Collectors.toList())) {
      if (driver.getClass().getClassLoader() == own) {
        try {
          DriverManager.deregisterDriver(driver);
        } catch (SQLException e) {
          throw new IllegalStateException("Cannot deregister JDBC driver " + driver, e);
        }
      }
    }
  }

  private static boolean inClassLoaderOfItsOwn() {
    return PackagedJdbcDrivers.class.getClassLoader() != RuntimeContext.class.getClassLoader();
  }
}
