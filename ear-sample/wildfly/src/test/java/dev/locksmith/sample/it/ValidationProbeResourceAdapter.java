package dev.locksmith.sample.it;

import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import javax.transaction.xa.XAResource;

/**
 * A resource adapter that is correct except for one thing the Connectors specification only
 * warns about: its config property {@code Retries} has a primitive type ({@code int}) where the
 * specification asks for a wrapper. IronJacamar's archive validation reports that as a WARNING,
 * so a server with fail-on-warn must refuse to deploy it. Used only by {@link ArchiveValidationIT}.
 */
public class ValidationProbeResourceAdapter implements ResourceAdapter, Serializable {

    private static final long serialVersionUID = 1L;

    private int retries;

    /**
     * Returns the Retries config property.
     *
     * @return the number of retries
     */
    public int getRetries() {
        return retries;
    }

    /**
     * Sets the Retries config property.
     *
     * @param retries the number of retries
     */
    public void setRetries(int retries) {
        this.retries = retries;
    }

    @Override
    public void start(BootstrapContext ctx) {
        // Nothing to start.
    }

    @Override
    public void stop() {
        // Nothing to stop.
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        // No inbound side.
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        // No inbound side.
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationProbeResourceAdapter other && other.retries == retries;
    }

    @Override
    public int hashCode() {
        return retries;
    }
}
