package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.policy.PipelinePolicies;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The IAM policy each Managed Flink pipeline's application role needs. */
@RestController
@Tag(name = "Pipelines")
public class IamPolicyController {
  private final PipelinePolicies policies;

  public IamPolicyController(PipelinePolicies policies) {
    this.policies = requireNonNull(policies, "policies is null");
  }

  @GetMapping(path = "/pipelines/{name}/iam-policy", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "The least-privilege IAM policy of the pipeline's application role",
      description =
          "Managed Flink pipelines only: read its loader artifact; read and write its table's"
              + " files; Glue on its database and table; GetSecretValue on its Kafka credentials"
              + " secret; CloudWatch metrics and its log stream.")
  public Map<String, Object> iamPolicy(@PathVariable String name) {
    return policies.applicationRolePolicy(name);
  }
}
