package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.sample.it.tx.EarlyHandle;
import dev.locksmith.sample.it.tx.HandleInTransaction;
import dev.locksmith.sample.it.tx.InnerWork;
import dev.locksmith.sample.it.tx.Locks;
import dev.locksmith.sample.it.tx.OrderRejected;
import dev.locksmith.sample.it.tx.OuterWork;
import dev.locksmith.sample.it.tx.Probe;
import dev.locksmith.sample.it.tx.SqlWork;
import dev.locksmith.sample.it.tx.StockBean;
import dev.locksmith.sample.it.tx.TimeoutWork;
import dev.locksmith.sample.it.tx.TxServlet;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter under WildFly's container-managed transactions: the Locksmith RAR of the sample
 * EAR, deployed (with IronJacamar's strict archive validation) next to test EJBs that write stock
 * records and take name locks under REQUIRED and REQUIRES_NEW, roll back on an application
 * exception, outlive a transaction timeout, and use a connection obtained before the transaction
 * began (lazy enlistment); a servlet runs each case and the test reads what the beans saw and what
 * the file holds afterwards.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TransactionsIT {

    private static final URI BASE = Server.http("locksmith-it/tx/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static EnterpriseArchive adapterWithTestBeans() {
        File sample = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        EnterpriseArchive sampleEar = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, sample);
        JavaArchive beans = ShrinkWrap.create(JavaArchive.class, "locksmith-it-ejb.jar")
                .addClasses(Locks.class, Locks.Result.class, Probe.class, InnerWork.class, OuterWork.class,
                        OrderRejected.class, TimeoutWork.class, StockBean.class, EarlyHandle.class,
                        HandleInTransaction.class, SqlWork.class);
        WebArchive web = ShrinkWrap.create(WebArchive.class, "locksmith-it.war").addClass(TxServlet.class);
        return ShrinkWrap.create(EnterpriseArchive.class, "locksmith-it.ear")
                .add(sampleEar.get("/locksmith.rar").getAsset(), "locksmith.rar")
                .addAsModule(beans)
                .addAsModule(web);
    }

    @Test
    void aRequiredMethodJoinsTheCallersBranchItsLocksAndItsWrites() throws Exception {
        Properties seen = post("required?name=^IT(1)");
        assertThat(seen.getProperty("outerLocked")).isEqualTo("true");
        assertThat(seen.getProperty("outerXid")).isNotEqualTo("none");
        assertThat(seen.getProperty("innerXid")).as("one transaction, one branch").isEqualTo(seen.getProperty("outerXid"));
        assertThat(seen.getProperty("innerLocked")).as("the same lock owner takes the name again").isEqualTo("true");
        assertThat(seen.getProperty("freeInside")).as("held for the transaction").isEqualTo("false");
        assertThat(seen.getProperty("freeAfter")).as("released by the commit").isEqualTo("true");
        assertThat(seen.getProperty("innerSawQuantity")).as("the joined method reads the caller's write").isEqualTo("5");
        assertThat(seen.getProperty("quantity.JOIN")).as("committed").isEqualTo("5");
    }

    @Test
    void aRequiresNewMethodIsAnotherTransactionWhoseLocksGoWhenItCommits() throws Exception {
        Properties seen = post("requires-new?name=^IT(2)&other=^IT(3)");
        assertThat(seen.getProperty("outerLocked")).isEqualTo("true");
        assertThat(seen.getProperty("newXid")).isNotEqualTo(seen.getProperty("outerXid")).isNotEqualTo("none");
        assertThat(seen.getProperty("newLockedOuters")).as("the suspended transaction still holds it").isEqualTo("false");
        assertThat(seen.getProperty("newLockedOther")).isEqualTo("true");
        assertThat(seen.getProperty("otherFreeAfterNewCommitted")).isEqualTo("true");
        assertThat(seen.getProperty("newCommittedBeforeOuter")).as("the new transaction committed on return")
                .isEqualTo("2");
        assertThat(seen.getProperty("freeAfter")).isEqualTo("true");
        assertThat(seen.getProperty("quantity.OUTER")).isEqualTo("1");
    }

    @Test
    void anApplicationExceptionRollsTheBranchBackLeavingTheFileUnchangedAndFreesItsLocks() throws Exception {
        Properties seen = post("reject?name=^IT(4)");
        assertThat(seen.getProperty("exception")).isEqualTo("OrderRejected");
        assertThat(seen.getProperty("rolledBack")).isEqualTo("1");
        assertThat(seen.getProperty("freeAfter")).isEqualTo("true");
        assertThat(seen.getProperty("quantity.REJECT")).as("the file is unchanged").isEqualTo("1");
    }

    @Test
    void aTransactionTimeoutRollsBackTheWritesAndFreesTheLocksOfTheTransaction() throws Exception {
        Properties seen = post("timeout?name=^IT(5)&seconds=2");
        assertThat(seen.getProperty("locked")).isEqualTo("true");
        assertThat(seen.getProperty("freedBeforeCommit")).as("freed while the bean still waited").isEqualTo("true");
        assertThat(seen.getProperty("commit")).isEqualTo("rolled back");
        assertThat(seen.getProperty("freeAfter")).isEqualTo("true");
        assertThat(seen.getProperty("quantity.LATE")).as("the write was rolled back").isEqualTo("-1");
    }

    @Test
    void aHandleObtainedBeforeAContainerTransactionJoinsItWhenUsedInsideAndCommitsWithIt() throws Exception {
        Properties seen = post("early-handle?name=^IT(6)&reject=false");
        assertThat(seen.getProperty("xidBefore")).isEqualTo("none");
        assertThat(seen.getProperty("lockedInside")).isEqualTo("true");
        assertThat(seen.getProperty("xidInside")).as("enlisted lazily by its first call").isNotEqualTo("none");
        assertThat(seen.getProperty("freeInside")).as("the transaction holds the name").isEqualTo("false");
        assertThat(seen.getProperty("closedInside")).isEqualTo("true");
        assertThat(seen.getProperty("freeOutside")).as("released by the commit").isEqualTo("true");
        assertThat(seen.getProperty("quantity.LAZY")).as("committed with the transaction").isEqualTo("3");
    }

    @Test
    void aHandleObtainedBeforeAContainerTransactionIsRolledBackWithIt() throws Exception {
        Properties seen = post("early-handle?name=^IT(7)&reject=true");
        assertThat(seen.getProperty("exception")).isEqualTo("OrderRejected");
        assertThat(seen.getProperty("freeOutside")).as("released by the rollback").isEqualTo("true");
        assertThat(seen.getProperty("quantity.LAZY")).as("the write went with the transaction").isEqualTo("1");
    }

    @Test
    void sqlThroughTheRarsDataSourceWorksInTheContainerTransactionOfTheJcaWorkAndCommitsWithIt() throws Exception {
        Properties seen = post("sql?name=^IT(8)&reject=false");
        assertThat(seen.getProperty("sqlSaw")).as("SQL reads the JCA write of the same transaction").isEqualTo("5");
        assertThat(seen.getProperty("sqlAutoCommit")).as("the container demarcates").isEqualTo("false");
        assertThat(seen.getProperty("sqlAfterUpdate")).isEqualTo("6");
        assertThat(seen.getProperty("jcaAfterSql")).as("JCA reads the SQL update: one store transaction").isEqualTo("6");
        assertThat(seen.getProperty("quantity.SQL")).as("committed together").isEqualTo("6");
    }

    @Test
    void aRollbackOfTheContainerTransactionUndoesTheSqlWorkWithTheJcaWork() throws Exception {
        Properties seen = post("sql?name=^IT(9)&reject=true");
        assertThat(seen.getProperty("exception")).isEqualTo("OrderRejected");
        assertThat(seen.getProperty("sqlAfterUpdate")).isEqualTo("6");
        assertThat(seen.getProperty("quantity.SQL")).as("neither the JCA nor the SQL write survived").isEqualTo("1");
    }

    @Test
    void theReadmesStockBeanSellsUnderANameLockAndCommits() throws Exception {
        Properties seen = post("sell?name=^ITEM(%22SELL%22)");
        assertThat(seen.getProperty("left")).isEqualTo("7");
        assertThat(seen.getProperty("committed")).isEqualTo("7");
        assertThat(seen.getProperty("freeAfter")).as("the name lock went with the transaction").isEqualTo("true");
    }

    private static Properties post(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(BASE.resolve(path.replace("^", "%5E")
                        .replace("(", "%28").replace(")", "%29")))
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Properties p = new Properties();
        p.load(new StringReader(response.body()));
        return p;
    }
}
