package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shows that the test server really holds resource adapters to the Connectors specification: an
 * adapter whose only flaw is a validation WARNING is refused, so the Locksmith RAR that
 * {@link LocksmithSampleIT} deploys has passed the same check with no error and no warning.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ArchiveValidationIT {

    private static final String PROBE = "validation-probe";

    private static final String RA_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <connector xmlns="https://jakarta.ee/xml/ns/jakartaee"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/connector_2_1.xsd"
                       version="2.1" metadata-complete="true">
              <vendor-name>Locksmith tests</vendor-name>
              <eis-type>validation probe</eis-type>
              <resourceadapter-version>1</resourceadapter-version>
              <resourceadapter>
                <resourceadapter-class>dev.locksmith.sample.it.ValidationProbeResourceAdapter</resourceadapter-class>
                <config-property>
                  <config-property-name>Retries</config-property-name>
                  <config-property-type>java.lang.Integer</config-property-type>
                  <config-property-value>3</config-property-value>
                </config-property>
              </resourceadapter>
            </connector>
            """;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = PROBE, managed = false, testable = false)
    static ResourceAdapterArchive adapterWithOneWarning() {
        JavaArchive classes = ShrinkWrap.create(JavaArchive.class, "probe.jar")
                .addClass(ValidationProbeResourceAdapter.class);
        return ShrinkWrap.create(ResourceAdapterArchive.class, PROBE + ".rar")
                .addAsLibrary(classes)
                .addAsManifestResource(new StringAsset(RA_XML), "ra.xml");
    }

    @Test
    void anAdapterWithOnlyAValidationWarningIsRefused() throws IOException {
        Throwable failure = catchThrowable(() -> deployer.deploy(PROBE));
        try {
            assertThat(failure).as("deploying an adapter with a validation warning").isNotNull();
            assertThat(failure).hasStackTraceContaining(PROBE + ".rar").hasStackTraceContaining("Validation failures");
            Path report = Path.of(System.getProperty("jboss.home"), "standalone", "log", PROBE + ".rar.log");
            assertThat(report).as("IronJacamar's validation report").isRegularFile();
            assertThat(Files.readString(report))
                    .contains("Severity: WARNING")
                    .contains("Property: Retries Type: int")
                    .doesNotContain("Severity: ERROR");
        } finally {
            if (failure == null) {
                deployer.undeploy(PROBE);
            }
        }
    }
}
