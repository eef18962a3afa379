package io.floe.control.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that answers 202 Accepted with an operation running in the background, so the
 * API description says 202 rather than springdoc's default 200.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Accepted {
  /** What the 202 answer holds. */
  String value();

  /** When the endpoint answers 200 in some cases (a dry run, nothing to do): what that holds. */
  String orOk() default "";
}
