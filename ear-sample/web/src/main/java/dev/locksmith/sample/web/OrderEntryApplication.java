package dev.locksmith.sample.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The sample's JAX-RS API under {@code /api} (see {@link OrderEntryResource}). */
@ApplicationPath("api")
public class OrderEntryApplication extends Application {
}
