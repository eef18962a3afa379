package io.floe.control.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How often pipelines' health is computed.
 *
 * @param interval time between two checks of every pipeline
 */
@ConfigurationProperties("floe.health")
public record HealthProperties(@DefaultValue("10s") Duration interval) {}
