package io.floe.control.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do: viewers read, operators also run lifecycles, admins also change pipelines.
 */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  public String authority() {
    return "ROLE_" + name();
  }

  public static Optional<Role> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
