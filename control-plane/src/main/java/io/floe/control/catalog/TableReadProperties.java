package io.floe.control.catalog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How fresh the table reads of health and of the schema check are.
 *
 * @param refreshInterval how old a table's metadata may be when health or the reconciler's schema
 *     check reads it. Each refresh is one catalog call (a JDBC query, a Glue {@code GetTable}, a
 *     REST {@code loadTable}); the table's {@code metadata.json} is read again only when the table
 *     changed. Zero: every read asks the catalog.
 */
@ConfigurationProperties("floe.tables")
public record TableReadProperties(@DefaultValue("60s") Duration refreshInterval) {
  @ConstructorBinding
  public TableReadProperties {
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException("floe.tables.refresh-interval must not be negative");
    }
  }
}
