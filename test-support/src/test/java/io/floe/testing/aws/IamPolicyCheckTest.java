package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamPolicyCheckTest {
  private static final String POLICY =
      """
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "Files", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": ["arn:aws:s3:::lake/warehouse/*"]},
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::lake",
         "Condition": {"StringLike": {"s3:prefix": ["warehouse", "warehouse/*"]}}},
        {"Sid": "Secret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": "arn:aws:secretsmanager:eu-west-1:1:secret:floe/kafka-??????"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*",
         "Resource": "arn:aws:s3:::lake/warehouse/secrets/*"}
      ]}
      """;

  private final IamPolicyCheck check = IamPolicyCheck.of(POLICY);

  @Test
  void allowsWhatAStatementMatchesWithWildcardsAndCaseInsensitiveActions() {
    assertThat(check.allows(call("s3:GetObject", "arn:aws:s3:::lake/warehouse/db/t/a.parquet")))
        .isTrue();
    assertThat(check.allows(call("S3:getobject", "arn:aws:s3:::lake/warehouse/x"))).isTrue();
    assertThat(
            check.allows(
                call(
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:eu-west-1:1:secret:floe/kafka-AbC123")))
        .isTrue();
  }

  @Test
  void deniesWhatNoStatementMatchesOrADenyMatches() {
    assertThat(check.allows(call("s3:DeleteObject", "arn:aws:s3:::lake/warehouse/x"))).isFalse();
    assertThat(check.allows(call("s3:GetObject", "arn:aws:s3:::lake/other/x"))).isFalse();
    assertThat(check.allows(call("s3:GetObject", "arn:aws:s3:::lake/warehouse/secrets/k")))
        .isFalse();
    assertThat(
            check.allows(
                call(
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:eu-west-1:1:secret:floe/kafka-AbC12")))
        .as("? matches exactly one character")
        .isFalse();
  }

  @Test
  void aConditionHoldsOnlyForAMatchingValueAndFailsWhenTheCallLacksTheKey() {
    String bucket = "arn:aws:s3:::lake";
    assertThat(check.allows(listing(bucket, "warehouse/db/"))).isTrue();
    assertThat(check.allows(listing(bucket, "warehouse"))).isTrue();
    assertThat(check.allows(listing(bucket, "elsewhere/"))).isFalse();
    assertThat(check.allows(call("s3:ListBucket", bucket))).isFalse();
    assertThat(
            check.allows(
                new AwsCall("k", "s3:ListBucket", bucket, Map.of("S3:Prefix", "warehouse/a"))))
        .as("condition keys are case-insensitive")
        .isTrue();
  }

  @Test
  void reportsEveryActionAndResourceNoAllowedCallUsed() {
    List<AwsCall> calls =
        List.of(
            call("s3:GetObject", "arn:aws:s3:::lake/warehouse/a"),
            call("s3:PutObject", "arn:aws:s3:::lake/warehouse/secrets/k"),
            listing("arn:aws:s3:::lake", "warehouse/"));

    assertThat(check.unused(calls))
        .containsExactly(
            new IamPolicyCheck.Grant("Files", "Action", "s3:PutObject"),
            new IamPolicyCheck.Grant("Secret", "Action", "secretsmanager:GetSecretValue"),
            new IamPolicyCheck.Grant(
                "Secret",
                "Resource",
                "arn:aws:secretsmanager:eu-west-1:1:secret:floe/kafka-??????"));
    assertThat(check.denied(calls))
        .containsExactly(call("s3:PutObject", "arn:aws:s3:::lake/warehouse/secrets/k"));
  }

  @Test
  void rejectsWhatItDoesNotEvaluateRatherThanGuessing() {
    assertThatThrownBy(
            () ->
                IamPolicyCheck.of(
                    "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\", \"Resource\": \"*\"}]}"))
        .hasMessageContaining("NotAction is not supported");
    assertThatThrownBy(
            () ->
                IamPolicyCheck.of(
                    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\","
                        + " \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}}]}"))
        .hasMessageContaining("IpAddress is not supported");
  }

  private static AwsCall call(String action, String resource) {
    return new AwsCall("k", action, resource);
  }

  private static AwsCall listing(String bucket, String prefix) {
    return new AwsCall("k", "s3:ListBucket", bucket, Map.of("s3:prefix", prefix));
  }
}
