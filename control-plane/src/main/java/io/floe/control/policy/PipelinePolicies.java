package io.floe.control.policy;

import static java.util.Objects.requireNonNull;

import io.floe.control.artifact.ArtifactService;
import io.floe.control.catalog.Catalogs;
import io.floe.control.model.Artifact;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.RuntimeTargets;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.managed.IamPolicies;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The IAM policy of a pipeline's application role, from what the pipeline names: its artifact, its
 * table (where the catalog keeps it, or would), its Kafka credentials secret.
 */
@Service
public class PipelinePolicies {
  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final Catalogs catalogs;
  private final ArtifactService artifacts;
  private final RuntimeRegistry runtimes;
  private final ObjectProvider<IamPolicies> policies;

  public PipelinePolicies(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      Catalogs catalogs,
      ArtifactService artifacts,
      RuntimeRegistry runtimes,
      ObjectProvider<IamPolicies> policies) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.policies = requireNonNull(policies, "policies is null");
  }

  /** The application role's policy of a managed-flink pipeline. */
  public Map<String, Object> applicationRolePolicy(String name) {
    Pipeline pipeline = pipelines.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
    IamPolicies iam = policies.getIfAvailable();
    String target = pipeline.spec().runtime().targetName().orElse(runtimes.defaultTarget());
    if (iam == null || !target.equals(RuntimeTargets.MANAGED_FLINK)) {
      throw new PipelineConflictException(
          "Pipeline "
              + name
              + " runs on target '"
              + target
              + "', not "
              + RuntimeTargets.MANAGED_FLINK
              + ": it has no application role");
    }
    Optional<String> pin = pipeline.spec().runtime().artifactPin();
    Artifact artifact =
        artifacts
            .resolve(pin)
            .orElseThrow(
                () ->
                    new PipelineConflictException(
                        "No loader artifact is registered for pipeline " + name));
    LoaderSettings settings = renderer.settings(pipeline);
    Optional<String> secret =
        settings
            .source()
            .credentials()
            .filter(
                c -> c.kind() == io.floe.loader.settings.CredentialsReference.Kind.SECRETSMANAGER)
            .map(c -> c.locator());
    return iam.pipelinePolicy(name, artifact, tableLocation(settings.table()), secret);
  }

  private IamPolicies.TableLocation tableLocation(TableSettings table) {
    Map<String, String> catalog = table.catalogProperties();
    String type = catalog.getOrDefault("type", "");
    TableIdentifier identifier =
        TableIdentifier.of(Namespace.of(table.namespace().toArray(String[]::new)), table.name());
    List<URI> locations = new ArrayList<>();
    try {
      Table loaded = catalogs.catalog(table.catalogName()).loadTable(identifier);
      locations.add(URI.create(loaded.location()));
      for (String key : List.of("write.data.path", "write.metadata.path")) {
        String path = loaded.properties().get(key);
        if (path != null && !path.startsWith(loaded.location())) {
          locations.add(URI.create(path));
        }
      }
    } catch (NoSuchTableException | IllegalArgumentException e) {
      String warehouse = catalog.getOrDefault("warehouse", "");
      if (!warehouse.isEmpty()) {
        String base = warehouse.endsWith("/") ? warehouse : warehouse + "/";
        String path =
            type.equalsIgnoreCase("glue")
                ? String.join(".", table.namespace()) + ".db/" + table.name()
                : String.join("/", table.namespace()) + "/" + table.name();
        locations.add(URI.create(base + path));
      }
    }
    return new IamPolicies.TableLocation(
        type,
        Optional.ofNullable(catalog.get("glue.id")),
        String.join(".", table.namespace()),
        table.name(),
        locations);
  }
}
