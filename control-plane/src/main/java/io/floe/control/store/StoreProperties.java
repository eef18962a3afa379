package io.floe.control.store;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the pipeline store serves reads.
 *
 * @param listingMaxAge how old the listing that {@code GET /pipelines} pages through (every
 *     pipeline's name, states and labels) may be. This replica's own changes show at once; other
 *     replicas' within this time. Each read of it is one query over every pipeline: at 1,000
 *     pipelines and 40 listings a second, most of the API's work. Zero: every listing reads it.
 */
@ConfigurationProperties("floe.store")
public record StoreProperties(@DefaultValue("1s") Duration listingMaxAge) {
  @ConstructorBinding
  public StoreProperties {
    if (listingMaxAge.isNegative()) {
      throw new IllegalArgumentException("floe.store.listing-max-age must not be negative");
    }
  }
}
