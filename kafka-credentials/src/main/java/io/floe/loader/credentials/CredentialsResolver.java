package io.floe.loader.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.loader.settings.CredentialsReference;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads the Kafka SASL username and password from where a {@link CredentialsReference} points, so
 * that settings carry only the reference: an AWS Secrets Manager secret whose SecretString is a
 * JSON object, a file holding a JSON object (or, if it does not start with <code>{</code>, a Java
 * properties file), or an environment variable holding a JSON object. The username and password are
 * the string values of the named fields. Failures are {@link CredentialsException}s that name the
 * reference and the field but never quote the content, which may hold the secret.
 */
public final class CredentialsResolver {
  /** Opens a Secrets Manager client that can read the given secret; the resolver closes it. */
  @FunctionalInterface
  public interface SecretsManagerClientFactory {
    SecretsManagerClient open(String secretId);
  }

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final SecretsManagerClientFactory secretsManager;
  private final Function<String, String> environment;

  /**
   * Reads Secrets Manager with {@link #defaultSecretsManagerClient} and the environment of this
   * process.
   */
  public CredentialsResolver() {
    this(CredentialsResolver::defaultSecretsManagerClient, System::getenv);
  }

  /**
   * @param secretsManager opens a client for each secret read
   * @param environment looks up an environment variable; returns null when it is not set
   */
  public CredentialsResolver(
      SecretsManagerClientFactory secretsManager, Function<String, String> environment) {
    this.secretsManager = requireNonNull(secretsManager, "secretsManager is null");
    this.environment = requireNonNull(environment, "environment is null");
  }

  /**
   * A client with the SDK's default chains for credentials, region and endpoint (so {@code
   * AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code -Daws.endpointUrlSecretsManager} redirect it), over
   * the URL connection HTTP client. When the secret is given by ARN, the client uses the ARN's
   * region: the only one that can serve it.
   */
  public static SecretsManagerClient defaultSecretsManagerClient(String secretId) {
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.builder().build());
    arnRegion(secretId).ifPresent(region -> builder.region(Region.of(region)));
    return builder.build();
  }

  /** The region of a Secrets Manager ARN, {@code arn:<partition>:secretsmanager:<region>:...}. */
  static Optional<String> arnRegion(String secretId) {
    if (!secretId.startsWith("arn:")) {
      return Optional.empty();
    }
    String[] parts = secretId.split(":", 7);
    if (parts.length < 7 || parts[3].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parts[3]);
  }

  /**
   * Reads the credentials the reference points to.
   *
   * @param usernameField the field that holds the username, such as {@code apiKey}
   * @param passwordField the field that holds the password, such as {@code apiSecret}
   * @throws CredentialsException if the store cannot be read or a field is missing or empty
   */
  public KafkaCredentials resolve(
      CredentialsReference reference, String usernameField, String passwordField) {
    requireNonNull(reference, "reference is null");
    requireNonNull(usernameField, "usernameField is null");
    requireNonNull(passwordField, "passwordField is null");
    Document document;
    switch (reference.kind()) {
      case SECRETSMANAGER:
        document = readSecret(reference.locator());
        break;
      case FILE:
        document = readFile(reference.locator());
        break;
      case ENV:
        document = readEnvironment(reference.locator());
        break;
      default:
        throw new IllegalArgumentException("unknown credentials kind " + reference.kind());
    }
    return new KafkaCredentials(document.text(usernameField), document.text(passwordField));
  }

  private Document readSecret(String secretId) {
    String source = "secret " + secretId;
    SecretsManagerClient client;
    try {
      client = secretsManager.open(secretId);
    } catch (SdkException e) {
      throw new CredentialsException(
          "could not open a Secrets Manager client to read " + source + ": " + e.getMessage(), e);
    }
    String secretString;
    try (client) {
      secretString =
          client
              .getSecretValue(GetSecretValueRequest.builder().secretId(secretId).build())
              .secretString();
    } catch (ResourceNotFoundException e) {
      throw new CredentialsException(
          source
              + " was not found in Secrets Manager (region "
              + client.serviceClientConfiguration().region()
              + "): "
              + e.awsErrorDetails().errorMessage(),
          e);
    } catch (SdkException e) {
      throw new CredentialsException(
          "could not read " + source + " from Secrets Manager: " + e.getMessage(), e);
    }
    if (secretString == null) {
      throw new CredentialsException(
          source + " has no SecretString (is it a binary secret?); it must hold a JSON object");
    }
    return Document.json(secretString, source);
  }

  private static Document readFile(String locator) {
    String source = "file " + locator;
    String content;
    try {
      Path path = Paths.get(locator);
      content = Files.readString(path, UTF_8);
    } catch (InvalidPathException e) {
      throw new CredentialsException(source + " is not a valid path: " + e.getReason(), e);
    } catch (NoSuchFileException e) {
      throw new CredentialsException(source + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new CredentialsException(source + " is not readable: access denied", e);
    } catch (IOException e) {
      throw new CredentialsException("could not read " + source + ": " + e, e);
    }
    String start = content.startsWith("\uFEFF") ? content.substring(1) : content;
    if (start.strip().startsWith("{")) {
      return Document.json(start, source);
    }
    return Document.properties(start, source);
  }

  private Document readEnvironment(String variable) {
    String source = "environment variable " + variable;
    String value = environment.apply(variable);
    if (value == null) {
      throw new CredentialsException(source + " is not set");
    }
    if (value.isBlank()) {
      throw new CredentialsException(source + " is empty");
    }
    return Document.json(value, source);
  }

  /** The fields of one credentials store, and a description of it for messages. */
  private static final class Document {
    private final ObjectNode fields;
    private final String source;

    private Document(ObjectNode fields, String source) {
      this.fields = fields;
      this.source = source;
    }

    static Document json(String content, String source) {
      JsonNode node;
      try {
        node = MAPPER.readTree(content);
      } catch (JsonProcessingException e) {
        // Jackson's own message quotes the text it choked on, which may be the secret: keep only
        // the position, and drop the cause.
        JsonLocation location = e.getLocation();
        throw new CredentialsException(
            source
                + " is not a valid JSON document"
                + (location == null
                    ? ""
                    : " (error at line "
                        + location.getLineNr()
                        + ", column "
                        + location.getColumnNr()
                        + ")"));
      }
      if (node == null || !node.isObject()) {
        throw new CredentialsException(
            source
                + " does not hold a JSON object"
                + (node == null || node.isMissingNode() ? "" : " (it holds " + kind(node) + ")"));
      }
      return new Document((ObjectNode) node, source);
    }

    static Document properties(String content, String source) {
      Properties properties = new Properties();
      try {
        properties.load(new StringReader(content));
      } catch (IOException | IllegalArgumentException e) {
        throw new CredentialsException(
            source + " is neither a JSON object nor a valid properties file: " + e.getMessage(), e);
      }
      ObjectNode fields = JsonNodeFactory.instance.objectNode();
      for (String name : properties.stringPropertyNames()) {
        fields.put(name, properties.getProperty(name));
      }
      return new Document(fields, source);
    }

    /** The non-empty string value of a field. */
    String text(String field) {
      JsonNode value = fields.get(field);
      if (value == null) {
        throw new CredentialsException(
            source + " has no field '" + field + "'; " + describeFieldNames());
      }
      if (!value.isTextual()) {
        throw new CredentialsException(
            "field '" + field + "' of " + source + " is " + kind(value) + ", not a string");
      }
      if (value.asText().isEmpty()) {
        throw new CredentialsException("field '" + field + "' of " + source + " is empty");
      }
      return value.asText();
    }

    private String describeFieldNames() {
      List<String> names = new ArrayList<>();
      fields.fieldNames().forEachRemaining(names::add);
      if (names.isEmpty()) {
        return "it has no fields";
      }
      Collections.sort(names);
      return "its fields are: " + String.join(", ", names);
    }

    private static String kind(JsonNode node) {
      JsonNodeType type = node.getNodeType();
      switch (type) {
        case NULL:
          return "null";
        case ARRAY:
        case OBJECT:
          return "an " + type.name().toLowerCase(Locale.ROOT);
        default:
          return "a " + type.name().toLowerCase(Locale.ROOT);
      }
    }
  }
}
