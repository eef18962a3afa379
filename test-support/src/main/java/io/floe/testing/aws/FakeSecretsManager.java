package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * AWS Secrets Manager in memory, for one account and one region, with the service's documented
 * semantics: ARNs with a random six-character suffix, secrets addressed by name or (partial) ARN,
 * version ids with the staging labels AWSCURRENT and AWSPREVIOUS, deletion with a recovery window,
 * and the documented error codes. Served by {@link AwsJsonFakeServer} so that code using the real
 * {@code SecretsManagerClient} can be tested here.
 *
 * <p>Implemented: CreateSecret, PutSecretValue, GetSecretValue, DescribeSecret, DeleteSecret and
 * RestoreSecret. Not modelled: rotation, replication, resource policies, KMS encryption (a {@code
 * KmsKeyId} is only stored) and the cap on deprecated versions. The region a request was signed for
 * is not checked.
 */
public final class FakeSecretsManager implements AwsJsonService {
  /** The {@code X-Amz-Target} prefix of Secrets Manager. */
  public static final String TARGET_PREFIX = "secretsmanager";

  /** The account every ARN names. */
  public static final String ACCOUNT_ID = "123456789012";

  public static final String AWSCURRENT = "AWSCURRENT";
  public static final String AWSPREVIOUS = "AWSPREVIOUS";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  private static final String SUFFIX_CHARACTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int SUFFIX_LENGTH = 6;
  private static final long DEFAULT_RECOVERY_WINDOW_DAYS = 30;
  private static final String NOT_FOUND = "Secrets Manager can't find the specified secret.";
  private static final String MARKED_FOR_DELETION =
      "You can't perform this operation on the secret because it was marked for deletion.";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String region;
  private final Clock clock;
  private final Random random = new SecureRandom();
  private final AwsCallLog calls = new AwsCallLog();

  // Guarded by this. Keyed by name; a secret whose recovery window has passed is removed.
  private final Map<String, Secret> secretsByName = new LinkedHashMap<>();

  /** A Secrets Manager in us-east-1 on the system clock. */
  public FakeSecretsManager() {
    this("us-east-1", Clock.systemUTC());
  }

  /**
   * @param region the region ARNs name; give the region the clients under test use
   * @param clock the time of creation, change, access and deletion, and of recovery windows
   */
  public FakeSecretsManager(String region, Clock clock) {
    this.region = requireNonNull(region, "region is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (region.isBlank()) {
      throw new IllegalArgumentException("region is blank");
    }
  }

  public String region() {
    return region;
  }

  @Override
  public String targetPrefix() {
    return TARGET_PREFIX;
  }

  @Override
  public Map<String, AwsJsonOperation> operations() {
    return calls.recording(
        Map.of(
            "CreateSecret", this::createSecret,
            "PutSecretValue", this::putSecretValue,
            "GetSecretValue", this::getSecretValue,
            "DescribeSecret", this::describeSecret,
            "DeleteSecret", this::deleteSecret,
            "RestoreSecret", this::restoreSecret),
        input -> List.of(authorized(input)));
  }

  /**
   * Every call so far as IAM authorizes it (who signed it, the action, the resource), oldest first;
   * calls answered with an error included, as IAM authorizes a call before the service acts.
   */
  public List<AwsCall> calls() {
    return calls.calls();
  }

  /** Forgets the calls recorded so far; the state stays. */
  public void clearCalls() {
    calls.clear();
  }

  /**
   * Secrets Manager authorizes a call on the secret's ARN (with its random suffix); a secret that
   * does not exist yet is named by the ARN its name would have without the suffix.
   */
  private synchronized AwsCall authorized(AwsJsonInput input) {
    String id = input.optionalText("SecretId").or(() -> input.optionalText("Name")).orElse("*");
    String resource;
    try {
      resource = existing(id).arn;
    } catch (AwsJsonError notFound) {
      resource =
          id.startsWith("arn:") || id.equals("*")
              ? id
              : "arn:aws:secretsmanager:" + region + ":" + ACCOUNT_ID + ":secret:" + id;
    }
    return new AwsCall(input.caller(), "secretsmanager:" + input.operation(), resource);
  }

  /**
   * Test setup: creates the secret with this string value, or, if it exists, gives it a new version
   * labelled AWSCURRENT (as PutSecretValue does).
   *
   * @return the secret's ARN
   * @throws AwsJsonError as the service would, for example for a secret scheduled for deletion
   */
  public synchronized String putSecret(String name, String secretString) {
    requireNonNull(name, "name is null");
    requireNonNull(secretString, "secretString is null");
    requireValidName(name);
    purgeExpired();
    Secret secret = secretsByName.get(name);
    if (secret == null) {
      secret = createSecret(name, Optional.empty(), Optional.empty(), JSON.arrayNode());
    }
    requireNotScheduledForDeletion(secret);
    secret.addVersion(newId(), Value.string(secretString), List.of(AWSCURRENT), now());
    return secret.arn;
  }

  private synchronized ObjectNode createSecret(AwsJsonInput input) {
    String name = input.requiredText("Name");
    requireValidName(name);
    Optional<Value> value = value(input);
    String token = input.optionalText("ClientRequestToken").orElseGet(FakeSecretsManager::newId);
    purgeExpired();
    Secret existing = secretsByName.get(name);
    if (existing != null) {
      if (existing.deletedDate.isPresent()) {
        throw invalidRequest(
            "You can't create this secret because a secret with this name is already scheduled"
                + " for deletion.");
      }
      // The same ClientRequestToken and value again: a retry of the call that created it.
      Version retried = existing.versions.get(token);
      if (retried == null || value.isEmpty() || !retried.value.equals(value.get())) {
        throw new AwsJsonError(
            "ResourceExistsException",
            "The operation failed because the secret " + name + " already exists.");
      }
      return identity(existing).put("VersionId", token);
    }
    JsonNode tags = input.json().get("Tags");
    Secret secret =
        createSecret(
            name,
            input.optionalText("Description"),
            input.optionalText("KmsKeyId"),
            tags != null && tags.isArray() ? (ArrayNode) tags : JSON.arrayNode());
    ObjectNode response = identity(secret);
    if (value.isPresent()) {
      secret.addVersion(token, value.get(), List.of(AWSCURRENT), now());
      response.put("VersionId", token);
    }
    return response;
  }

  private synchronized ObjectNode putSecretValue(AwsJsonInput input) {
    Secret secret = existing(input.requiredText("SecretId"));
    requireNotScheduledForDeletion(secret);
    Value value =
        value(input)
            .orElseThrow(
                () -> invalidParameter("You must provide either SecretString or SecretBinary."));
    String token = input.optionalText("ClientRequestToken").orElseGet(FakeSecretsManager::newId);
    List<String> stages = input.optionalTextList("VersionStages").orElse(List.of(AWSCURRENT));
    Version version = secret.versions.get(token);
    if (version != null) {
      if (!version.value.equals(value)) {
        throw new AwsJsonError(
            "ResourceExistsException",
            "You can't modify an existing version, you can only create a new version.");
      }
    } else {
      version = secret.addVersion(token, value, stages, now());
    }
    ObjectNode response = identity(secret).put("VersionId", version.id);
    response.set("VersionStages", textArray(version.stages));
    return response;
  }

  private synchronized ObjectNode getSecretValue(AwsJsonInput input) {
    Secret secret = existing(input.requiredText("SecretId"));
    requireNotScheduledForDeletion(secret);
    Optional<String> versionId = input.optionalText("VersionId");
    Optional<String> stage = input.optionalText("VersionStage");
    Version version;
    if (versionId.isPresent()) {
      version = secret.versions.get(versionId.get());
      if (version == null) {
        throw notFound(
            "Secrets Manager can't find the specified secret value for VersionId: "
                + versionId.get());
      }
      if (stage.isPresent() && !version.stages.contains(stage.get())) {
        throw invalidRequest(
            "You provided a VersionStage that is not associated to the provided VersionId.");
      }
    } else {
      String label = stage.orElse(AWSCURRENT);
      version =
          secret
              .versionWithStage(label)
              .orElseThrow(
                  () ->
                      notFound(
                          "Secrets Manager can't find the specified secret value for staging"
                              + " label: "
                              + label));
    }
    secret.lastAccessedDate = Optional.of(now().truncatedTo(ChronoUnit.DAYS));
    ObjectNode response = identity(secret).put("VersionId", version.id);
    response.put(version.value.member(), version.value.content());
    response.set("VersionStages", textArray(version.stages));
    response.set("CreatedDate", timestamp(version.createdDate));
    return response;
  }

  private synchronized ObjectNode describeSecret(AwsJsonInput input) {
    Secret secret = existing(input.requiredText("SecretId"));
    ObjectNode response = identity(secret);
    secret.description.ifPresent(description -> response.put("Description", description));
    secret.kmsKeyId.ifPresent(kmsKeyId -> response.put("KmsKeyId", kmsKeyId));
    response.put("RotationEnabled", false);
    response.set("CreatedDate", timestamp(secret.createdDate));
    response.set("LastChangedDate", timestamp(secret.lastChangedDate));
    secret.lastAccessedDate.ifPresent(date -> response.set("LastAccessedDate", timestamp(date)));
    secret.deletedDate.ifPresent(date -> response.set("DeletedDate", timestamp(date)));
    if (!secret.tags.isEmpty()) {
      response.set("Tags", secret.tags.deepCopy());
    }
    ObjectNode stagesByVersion = response.putObject("VersionIdsToStages");
    for (Version version : secret.versions.values()) {
      if (!version.stages.isEmpty()) {
        stagesByVersion.set(version.id, textArray(version.stages));
      }
    }
    return response;
  }

  private synchronized ObjectNode deleteSecret(AwsJsonInput input) {
    Secret secret = existing(input.requiredText("SecretId"));
    Optional<Long> window = input.optionalLong("RecoveryWindowInDays");
    boolean force = input.optionalBoolean("ForceDeleteWithoutRecovery").orElse(false);
    if (force && window.isPresent()) {
      throw invalidParameter(
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    long days = window.orElse(DEFAULT_RECOVERY_WINDOW_DAYS);
    if (days < 7 || days > 30) {
      throw invalidParameter(
          "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }
    Instant now = now();
    Instant deletionDate;
    if (force) {
      // Also allowed for a secret already scheduled for deletion: the way to delete it at once.
      secretsByName.remove(secret.name);
      deletionDate = now;
    } else {
      if (secret.deletedDate.isPresent()) {
        throw invalidRequest(
            "You tried to perform the operation on a secret that's currently marked deleted.");
      }
      deletionDate = now.plus(Duration.ofDays(days));
      secret.deletedDate = Optional.of(now);
      secret.deletionDate = Optional.of(deletionDate);
    }
    ObjectNode response = identity(secret);
    response.set("DeletionDate", timestamp(deletionDate));
    return response;
  }

  private synchronized ObjectNode restoreSecret(AwsJsonInput input) {
    Secret secret = existing(input.requiredText("SecretId"));
    secret.deletedDate = Optional.empty();
    secret.deletionDate = Optional.empty();
    secret.lastChangedDate = now();
    return identity(secret);
  }

  private Secret createSecret(
      String name, Optional<String> description, Optional<String> kmsKeyId, ArrayNode tags) {
    Secret secret = new Secret(name, newArn(name), description, kmsKeyId, tags, now());
    secretsByName.put(name, secret);
    return secret;
  }

  /** The secret a SecretId names: its name, its ARN, or its ARN without the random suffix. */
  private Secret existing(String secretId) {
    purgeExpired();
    if (secretId.startsWith("arn:")) {
      for (Secret secret : secretsByName.values()) {
        if (secret.arn.equals(secretId)
            || secret.arn.substring(0, secret.arn.length() - SUFFIX_LENGTH - 1).equals(secretId)) {
          return secret;
        }
      }
      throw notFound(NOT_FOUND);
    }
    Secret secret = secretsByName.get(secretId);
    if (secret == null) {
      throw notFound(NOT_FOUND);
    }
    return secret;
  }

  private void purgeExpired() {
    Instant now = now();
    secretsByName
        .values()
        .removeIf(secret -> secret.deletionDate.filter(date -> !date.isAfter(now)).isPresent());
  }

  private static void requireValidName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw invalidParameter(
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the"
              + " following: -/_+=.@!");
    }
  }

  private static void requireNotScheduledForDeletion(Secret secret) {
    if (secret.deletedDate.isPresent()) {
      throw invalidRequest(MARKED_FOR_DELETION);
    }
  }

  private static Optional<Value> value(AwsJsonInput input) {
    Optional<String> string = input.optionalText("SecretString");
    Optional<String> binary = input.optionalText("SecretBinary");
    if (string.isPresent() && binary.isPresent()) {
      throw invalidParameter(
          "You can't specify both a binary secret value and a string secret value in the same"
              + " secret.");
    }
    return string.map(Value::string).or(() -> binary.map(Value::binary));
  }

  private String newArn(String name) {
    StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      suffix.append(SUFFIX_CHARACTERS.charAt(random.nextInt(SUFFIX_CHARACTERS.length())));
    }
    return "arn:aws:secretsmanager:" + region + ":" + ACCOUNT_ID + ":secret:" + name + "-" + suffix;
  }

  private Instant now() {
    return clock.instant();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static ObjectNode identity(Secret secret) {
    ObjectNode node = JSON.objectNode();
    node.put("ARN", secret.arn);
    node.put("Name", secret.name);
    return node;
  }

  private static ArrayNode textArray(Collection<String> values) {
    ArrayNode array = JSON.arrayNode();
    values.forEach(array::add);
    return array;
  }

  /** AWS JSON timestamps are epoch seconds, with milliseconds as the fraction. */
  private static JsonNode timestamp(Instant instant) {
    return JSON.numberNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
  }

  private static AwsJsonError notFound(String message) {
    return new AwsJsonError("ResourceNotFoundException", message);
  }

  private static AwsJsonError invalidParameter(String message) {
    return new AwsJsonError("InvalidParameterException", message);
  }

  private static AwsJsonError invalidRequest(String message) {
    return new AwsJsonError("InvalidRequestException", message);
  }

  /** A secret value: the response member that carries it and its content (base64 if binary). */
  private record Value(String member, String content) {
    static Value string(String content) {
      return new Value("SecretString", content);
    }

    static Value binary(String base64) {
      return new Value("SecretBinary", base64);
    }
  }

  /** One version of a secret; its staging labels move as new versions arrive. */
  private static final class Version {
    final String id;
    final Value value;
    final Instant createdDate;
    final Set<String> stages = new LinkedHashSet<>();

    Version(String id, Value value, Instant createdDate) {
      this.id = id;
      this.value = value;
      this.createdDate = createdDate;
    }
  }

  /** A secret and its versions; mutable, guarded by the enclosing fake. */
  private static final class Secret {
    final String name;
    final String arn;
    final Optional<String> description;
    final Optional<String> kmsKeyId;
    final ArrayNode tags;
    final Instant createdDate;
    final Map<String, Version> versions = new LinkedHashMap<>();
    Instant lastChangedDate;
    Optional<Instant> lastAccessedDate = Optional.empty();
    Optional<Instant> deletedDate = Optional.empty();
    Optional<Instant> deletionDate = Optional.empty();

    Secret(
        String name,
        String arn,
        Optional<String> description,
        Optional<String> kmsKeyId,
        ArrayNode tags,
        Instant createdDate) {
      this.name = name;
      this.arn = arn;
      this.description = description;
      this.kmsKeyId = kmsKeyId;
      this.tags = tags.deepCopy();
      this.createdDate = createdDate;
      this.lastChangedDate = createdDate;
    }

    Optional<Version> versionWithStage(String stage) {
      return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst();
    }

    /**
     * Adds a version and moves the given labels to it. When it becomes AWSCURRENT, the version that
     * was current becomes AWSPREVIOUS; a version left without labels is deprecated.
     */
    Version addVersion(String id, Value value, List<String> stages, Instant now) {
      Optional<Version> previousCurrent = versionWithStage(AWSCURRENT);
      Version version = new Version(id, value, now);
      versions.put(id, version);
      for (String stage : stages) {
        moveStage(stage, version);
      }
      if (stages.contains(AWSCURRENT)) {
        previousCurrent.ifPresent(previous -> moveStage(AWSPREVIOUS, previous));
      }
      lastChangedDate = now;
      return version;
    }

    private void moveStage(String stage, Version to) {
      versions.values().forEach(v -> v.stages.remove(stage));
      to.stages.add(stage);
    }
  }
}
