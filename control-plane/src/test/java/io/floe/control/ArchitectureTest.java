package io.floe.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane's layers, checked on its classes: imports go one way (docs/architecture.md), so
 * a feature added on top cannot pull the model, the store or a runtime into a loop.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.floe.control");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.floe.control.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void importsGoOneWayThroughTheLayers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Model")
        .definedBy("io.floe.control.model..")
        .layer("Store")
        .definedBy("io.floe.control.store..")
        .layer("Seams")
        .definedBy(
            "io.floe.control.catalog..",
            "io.floe.control.kafka..",
            "io.floe.control.artifact..",
            "io.floe.control.runtime..")
        .layer("Decisions")
        .definedBy("io.floe.control.reconcile..", "io.floe.control.validation..")
        .layer("Features")
        .definedBy(
            "io.floe.control.pipeline..",
            "io.floe.control.deadletter..",
            "io.floe.control.health..",
            "io.floe.control.maintenance..",
            "io.floe.control.schema..",
            "io.floe.control.position..",
            "io.floe.control.policy..")
        .layer("Edge")
        .definedBy(
            "io.floe.control",
            "io.floe.control.api..",
            "io.floe.control.security..",
            "io.floe.control.local..",
            "io.floe.control.config..")
        .whereLayer("Edge")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Features")
        .mayOnlyBeAccessedByLayers("Edge")
        .whereLayer("Decisions")
        .mayOnlyBeAccessedByLayers("Features", "Edge")
        .whereLayer("Seams")
        .mayOnlyBeAccessedByLayers("Decisions", "Features", "Edge")
        .whereLayer("Store")
        .mayOnlyBeAccessedByLayers("Seams", "Decisions", "Features", "Edge")
        .check(classes);
  }

  @Test
  void theModelKnowsNeitherSpringNorTheAwsSdk() {
    noClasses()
        .that()
        .resideInAPackage("io.floe.control.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "software.amazon.awssdk..")
        .check(classes);
  }

  @Test
  void controllersReachRuntimesStoresAndCatalogsOnlyThroughServices() {
    noClasses()
        .that()
        .resideInAPackage("io.floe.control.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.floe.control.store..",
            "io.floe.control.runtime..",
            "io.floe.control.catalog..",
            "io.floe.control.kafka..",
            "org.apache.iceberg..",
            "org.apache.kafka..",
            "software.amazon.awssdk..")
        .check(classes);
  }
}
