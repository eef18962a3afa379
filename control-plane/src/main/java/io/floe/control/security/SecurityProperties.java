package io.floe.control.security;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the API. Static tokens are configured by their SHA-256 (never the token itself);
 * JWTs from an OIDC issuer (spring.security.oauth2.resourceserver.jwt.issuer-uri) carry their roles
 * in a claim.
 *
 * @param tokens static bearer tokens
 * @param rolesClaim the JWT claim with the caller's roles (viewer, operator, admin)
 * @param localAdminTokenFile when set, an admin token is generated into this file on first start
 */
@ConfigurationProperties("floe.security")
public record SecurityProperties(
    List<Token> tokens, @DefaultValue("roles") String rolesClaim, Path localAdminTokenFile) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public SecurityProperties {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.sha256() == null || !SHA256.matcher(token.sha256()).matches()) {
        throw new IllegalArgumentException(
            "floe.security.tokens["
                + i
                + "].sha256 must be 64 lowercase hex digits"
                + " (echo -n <token> | sha256sum)");
      }
      if (Role.parse(token.role()).isEmpty()) {
        throw new IllegalArgumentException(
            "floe.security.tokens[" + i + "].role must be viewer, operator or admin");
      }
      if (token.name() == null || token.name().isBlank()) {
        throw new IllegalArgumentException("floe.security.tokens[" + i + "].name is required");
      }
    }
  }

  /** A static token: who it is, what it may do, and the SHA-256 of its value. */
  public record Token(String name, String role, String sha256) {}
}
