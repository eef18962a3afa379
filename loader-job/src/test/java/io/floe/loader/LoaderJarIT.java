package io.floe.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The shaded JAR as Managed Flink receives it: Java 11 bytecode, no Flink inside, under 512 MB. */
class LoaderJarIT {
  private static final int JAVA_11 = 55;
  private static final long MANAGED_FLINK_LIMIT = 512L * 1024 * 1024;

  @Test
  void everyClassRunsOnJava11AndTheJarFitsManagedFlink() throws IOException {
    Path jar = shadedJar();
    System.out.printf("loader JAR: %s, %.1f MiB%n", jar.getFileName(), Files.size(jar) / 1048576.0);
    assertThat(Files.size(jar)).isLessThan(MANAGED_FLINK_LIMIT);

    List<String> tooNew = new ArrayList<>();
    TreeMap<Integer, Integer> versions = new TreeMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(LoaderJob.class.getName());
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (!name.endsWith(".class") || name.startsWith("META-INF/versions/")) {
          continue;
        }
        int major = majorVersion(file, entry);
        versions.merge(major, 1, Integer::sum);
        if (major > JAVA_11) {
          tooNew.add(name + " (" + major + ")");
        }
      }
      assertThat(file.getEntry("io/floe/loader/LoaderJob.class")).isNotNull();
      assertThat(file.getEntry("io/floe/loader/settings/LoaderSettings.class")).isNotNull();
      assertThat(file.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
          .isNotNull();
      assertThat(file.getEntry("org/apache/iceberg/flink/sink/RowDataTaskWriterFactory.class"))
          .isNotNull();
      assertThat(file.getEntry("org/apache/hadoop/conf/Configuration.class")).isNotNull();
      // REST catalogs, and SigV4 signing for AWS Glue's and S3 Tables' Iceberg REST endpoints
      // (AwsProperties loads KMS types).
      assertThat(file.getEntry("org/apache/iceberg/rest/RESTCatalog.class")).isNotNull();
      assertThat(file.getEntry("org/apache/iceberg/aws/RESTSigV4AuthManager.class")).isNotNull();
      assertThat(file.getEntry("software/amazon/awssdk/http/auth/aws/signer/AwsV4HttpSigner.class"))
          .isNotNull();
      assertThat(
              file.getEntry(
                  "software/amazon/awssdk/auth/credentials/DefaultCredentialsProvider.class"))
          .isNotNull();
      assertThat(
              file.getEntry(
                  "software/amazon/awssdk/services/kms/model/EncryptionAlgorithmSpec.class"))
          .isNotNull();
      assertThat(
              file.getEntry(
                  "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
          .as("Flink is provided by the runtime")
          .isNull();
    }
    System.out.println("class-file major versions: " + versions);
    assertThat(tooNew).as("classes newer than Java 11").isEmpty();
  }

  private static int majorVersion(JarFile jar, ZipEntry entry) throws IOException {
    try (InputStream in = jar.getInputStream(entry);
        DataInputStream data = new DataInputStream(in)) {
      int magic = data.readInt();
      assertThat(magic).as(entry.getName()).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort();
      return data.readUnsignedShort();
    }
  }

  static Path shadedJar() throws IOException {
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(Paths.get("target"), "loader-job-*.jar")) {
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        if (!name.contains("original") && !name.contains("tests") && !name.contains("sources")) {
          return jar;
        }
      }
    }
    throw new IllegalStateException("No shaded loader JAR in target/: run mvn package first");
  }
}
