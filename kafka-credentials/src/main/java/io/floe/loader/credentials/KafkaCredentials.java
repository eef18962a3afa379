package io.floe.loader.credentials;

import static java.util.Objects.requireNonNull;

/**
 * The SASL username and password the loader connects to Kafka with, kept apart from the settings
 * (which only say where they live) and never printed.
 */
public final class KafkaCredentials {
  private final String username;
  private final String password;

  public KafkaCredentials(String username, String password) {
    this.username = requireNonNull(username, "username is null");
    this.password = requireNonNull(password, "password is null");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username is empty");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password is empty");
    }
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaCredentials
        && ((KafkaCredentials) o).username.equals(username)
        && ((KafkaCredentials) o).password.equals(password);
  }

  @Override
  public int hashCode() {
    return username.hashCode() * 31 + password.hashCode();
  }

  /** Names the user; the password is masked. */
  @Override
  public String toString() {
    return "KafkaCredentials{username=" + username + ", password=****}";
  }
}
