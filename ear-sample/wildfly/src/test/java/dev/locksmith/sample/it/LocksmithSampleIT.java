package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deploys the built sample EAR (Locksmith RAR + sample EJBs + sample WAR) to a managed WildFly
 * whose IronJacamar archive validation fails a deployment on any error or warning, and drives
 * the sample over HTTP on 127.0.0.1: each call runs a container-managed transaction in which the
 * EJB gets a Locksmith connection by JNDI, so the transaction manager (Narayana) must enlist the
 * adapter's XAResource and complete it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LocksmithSampleIT {

    private static final URI BASE = Server.http("locksmith-sample/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive sampleEar() {
        File ear = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        assertThat(ear).as("the sample EAR copied by the build").isFile();
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    }

    @Test
    void serverValidatesResourceAdaptersStrictly() throws IOException {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-resource");
        op.get("address").add("subsystem", "jca").add("archive-validation", "archive-validation");
        ModelNode result = management.getControllerClient().execute(op);
        assertThat(result.get("outcome").asString()).isEqualTo("success");
        ModelNode validation = result.get("result");
        assertThat(validation.get("enabled").asBoolean()).isTrue();
        assertThat(validation.get("fail-on-error").asBoolean()).isTrue();
        assertThat(validation.get("fail-on-warn").asBoolean()).isTrue();

        ModelNode bean = new ModelNode();
        bean.get("operation").set("read-attribute");
        bean.get("address").add("subsystem", "jca").add("bean-validation", "bean-validation");
        bean.get("name").set("enabled");
        assertThat(management.getControllerClient().execute(bean).get("result").asBoolean()).isTrue();
    }

    @Test
    void committedTransactionEnlistsAndCommitsTheAdaptersXaResource() throws Exception {
        HttpResponse<String> response = post("api/commit");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String json = response.body();
        assertThat(string(json, "outcome")).isEqualTo("committed");
        assertThat(string(json, "xid")).matches("-?\\d+:[0-9a-f]+:[0-9a-f]*");
        assertThat(number(json, "xaStarted")).isEqualTo(1);
        assertThat(number(json, "xaCommitted")).isEqualTo(1);
        assertThat(number(json, "xaCommittedOnePhase")).as("the only resource: one-phase commit").isEqualTo(1);
        assertThat(number(json, "xaPrepared")).isZero();
        assertThat(number(json, "xaRolledBack")).isZero();
        assertThat(number(json, "pings")).isEqualTo(1);
    }

    @Test
    void transactionWithASecondResourcePreparesTheBranchWhichWroteNothingAndIsReadOnly() throws Exception {
        HttpResponse<String> response = post("api/commit-with-jdbc");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String json = response.body();
        assertThat(string(json, "outcome")).isEqualTo("committed with JDBC");
        assertThat(number(json, "xaStarted")).isEqualTo(1);
        assertThat(number(json, "xaReadOnly")).as("prepared before H2 commits as the last resource: read-only")
                .isEqualTo(1);
        assertThat(number(json, "xaPrepared")).isZero();
        assertThat(number(json, "xaCommitted")).as("a read-only branch is finished at prepare").isZero();
        assertThat(number(json, "xaCommittedOnePhase")).isZero();
        assertThat(number(json, "xaRolledBack")).isZero();
        assertThat(number(json, "jdbcRows")).as("the H2 row of the same transaction").isEqualTo(1);
    }

    @Test
    void rolledBackTransactionRollsTheBranchBack() throws Exception {
        HttpResponse<String> response = post("api/rollback");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String json = response.body();
        assertThat(string(json, "outcome")).isEqualTo("rolled back");
        assertThat(number(json, "xaStarted")).isEqualTo(1);
        assertThat(number(json, "xaRolledBack")).isEqualTo(1);
        assertThat(number(json, "xaCommitted")).isZero();
    }

    @Test
    void eachTransactionGetsItsOwnBranchAndCountersAccumulate() throws Exception {
        String first = string(post("api/commit").body(), "xid");
        String second = string(post("api/commit").body(), "xid");
        assertThat(first).isNotEqualTo(second);

        HttpResponse<String> counters = get("api/counters");
        assertThat(counters.statusCode()).isEqualTo(200);
        assertThat(number(counters.body(), "xaCommitted")).isGreaterThanOrEqualTo(2);
        assertThat(number(counters.body(), "handlesOpened")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void periodicRecoveryReachesTheAdapterWithItsRecoveryCredentials() throws Exception {
        // arquillian.xml sets Narayana's recovery period to 3 s. Without recovery credentials in the
        // RAR's ironjacamar.xml, IronJacamar would log "Subject for recovery was null" and never ask
        // the adapter; with them it opens a connection and calls XAResource.recover.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long scans = 0;
        while (scans == 0 && System.nanoTime() < deadline) {
            scans = number(get("api/counters").body(), "recoveryScans");
            if (scans == 0) {
                Thread.sleep(500);
            }
        }
        assertThat(scans).as("recovery scans that reached the Locksmith XAResource within 30 s").isPositive();
    }

    @Test
    void samplePageIsServed() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(BASE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Locksmith sample");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(BASE.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(BASE.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String string(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as("%s in %s", name, json).isTrue();
        return m.group(1);
    }

    private static long number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", name, json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
