package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sample on WildFly's HA profile ({@code standalone-ha.xml}, the {@code wildfly-ha} container
 * of arquillian.xml, run by the build's {@code ha} failsafe execution), its adapter configured with
 * {@code ClusterChannel} = {@value #CHANNEL}: the lock manager is a cluster node on a fork of the
 * server's own JGroups channel, the one its other clustered services share, and an order takes its
 * record locks through it. The server's channel outlives the deployment: undeploying closes only
 * the fork, so the adapter of a redeploy forks it again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterChannelIT {

    private static final String CHANNEL = "java:jboss/jgroups/channel/ee";
    private static final String NODE = "locksmith-on-ee";
    private static final String SAMPLE = "sample-on-the-servers-channel";

    @ArquillianResource
    private Deployer deployer;

    private final SampleApi api = new SampleApi();
    private final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    /** The sample EAR with its RAR's ra.xml setting ClusterChannel and ClusterNodeName. */
    @Deployment(name = SAMPLE, managed = false, testable = false)
    static EnterpriseArchive sampleRidingTheServersChannel() throws IOException {
        File file = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        EnterpriseArchive ear = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, file);
        ResourceAdapterArchive rar;
        try (InputStream in = ear.get("locksmith.rar").getAsset().openStream()) {
            rar = ShrinkWrap.create(ZipImporter.class, "locksmith.rar").importFrom(in).as(ResourceAdapterArchive.class);
        }
        String raXml;
        try (InputStream in = rar.get("META-INF/ra.xml").getAsset().openStream()) {
            raXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        rar.delete("META-INF/ra.xml");
        rar.addAsManifestResource(new StringAsset(withValue(withValue(raXml, "ClusterChannel", CHANNEL),
                "ClusterNodeName", NODE)), "ra.xml");
        ear.delete("locksmith.rar");
        return ear.addAsModule(rar);
    }

    /** {@code raXml} with a value for the string config property {@code name}, which has none. */
    private static String withValue(String raXml, String name, String value) {
        Matcher m = Pattern.compile("(<config-property-name>" + name
                + "</config-property-name>\\s*<config-property-type>java.lang.String</config-property-type>)")
                .matcher(raXml);
        assertThat(m.find()).as("ra.xml declares %s", name).isTrue();
        return m.replaceFirst("$1<config-property-value>" + value + "</config-property-value>");
    }

    @Test
    void anOrderTakesItsLocksThroughANodeOnAForkOfTheServersChannelAndARedeployForksItAgain() throws IOException {
        String started = "started with cluster lock manager " + NODE + " riding a fork of " + CHANNEL;
        long before = occurrences(started);
        deployer.deploy(SAMPLE);
        try {
            assertThat(occurrences(started)).as("the adapter's start in server.log").isEqualTo(before + 1);
            placeAnOrder("A");

            deployer.undeploy(SAMPLE);
            deployer.deploy(SAMPLE);

            assertThat(occurrences(started)).as("the redeployed adapter forked the channel again").isEqualTo(before + 2);
            placeAnOrder("B");
        } finally {
            deployer.undeploy(SAMPLE);
        }
    }

    private void placeAnOrder(String suffix) {
        String item = "F" + run + "-" + suffix;
        api.addItem(item, "fork-" + run, 10);
        SampleApi.Answer placed = api.post("orders", SampleApi.form("item", item, "quantity", 3, "mode", "PESSIMISTIC"));
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(api.item(item).getJsonNumber("quantity").longValue()).isEqualTo(7);
    }

    private static long occurrences(String text) throws IOException {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        return Files.readAllLines(log).stream().filter(line -> line.contains(text)).count();
    }
}
