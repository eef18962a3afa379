package io.floe.control.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both kinds of bearer token against a real control plane: static tokens (configured by their hash)
 * and JWTs signed by the configured issuer's key, with roles from a claim.
 */
class BearerTokensIT {
  @TempDir static Path dir;
  static KeyPair keys;
  static ControlPlane controlPlane;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    Path publicKey = dir.resolve("issuer.pem");
    Files.writeString(
        publicKey,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n",
        StandardCharsets.US_ASCII);
    Map<String, Object> properties = ControlPlane.properties(dir);
    properties.put(
        "spring.security.oauth2.resourceserver.jwt.public-key-location",
        publicKey.toUri().toString());
    properties.put("floe.security.roles-claim", "floe_roles");
    properties.put("floe.security.local-admin-token-file", dir.resolve("admin-token").toString());
    controlPlane = ControlPlane.start(properties);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private static String jwt(Object roles, Instant expires) throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice@example.com")
            .claim("floe_roles", roles)
            .issueTime(new Date())
            .expirationTime(Date.from(expires))
            .build();
    SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    token.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
    return token.serialize();
  }

  @Test
  void jwtRolesComeFromTheConfiguredClaim() throws Exception {
    ApiClient operator =
        new ApiClient(controlPlane.url(), jwt(List.of("operator"), Instant.now().plusSeconds(300)));
    assertThat(operator.get("/pipelines").status()).isEqualTo(200);
    assertThat(operator.put("/pipelines/x", Map.of()).status())
        .as("operators may not create pipelines")
        .isEqualTo(403);
    assertThat(operator.post("/pipelines/x/stop", Map.of()).status())
        .as("operators may stop, so this gets past security to a 404")
        .isEqualTo(404);

    ApiClient viewer =
        new ApiClient(controlPlane.url(), jwt("viewer", Instant.now().plusSeconds(300)));
    assertThat(viewer.get("/pipelines").status()).isEqualTo(200);
    assertThat(viewer.post("/pipelines/x/stop", Map.of()).status()).isEqualTo(403);

    ApiClient nobody =
        new ApiClient(controlPlane.url(), jwt(List.of(), Instant.now().plusSeconds(300)));
    assertThat(nobody.get("/pipelines").status()).as("a valid JWT without a role").isEqualTo(403);
  }

  @Test
  void expiredForgedAndUnknownTokensAreRefused() throws Exception {
    assertThat(
            new ApiClient(
                    controlPlane.url(), jwt(List.of("admin"), Instant.now().minusSeconds(120)))
                .get("/pipelines")
                .status())
        .isEqualTo(401);
    String valid = jwt(List.of("admin"), Instant.now().plusSeconds(300));
    String forged = valid.substring(0, valid.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
    assertThat(new ApiClient(controlPlane.url(), forged).get("/pipelines").status()).isEqualTo(401);
    assertThat(new ApiClient(controlPlane.url(), "nope").get("/pipelines").status()).isEqualTo(401);
  }

  @Test
  void staticTokensAndTheGeneratedLocalAdminTokenWork() throws Exception {
    assertThat(controlPlane.admin().get("/pipelines").status()).isEqualTo(200);
    String local = Files.readString(dir.resolve("admin-token")).trim();
    assertThat(local).startsWith("floe_").hasSizeGreaterThan(40);
    assertThat(new ApiClient(controlPlane.url(), local).get("/pipelines").status()).isEqualTo(200);
    assertThat(Files.getPosixFilePermissions(dir.resolve("admin-token")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }
}
