package dev.locksmith.sample.orders;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/** Creates and seeds the stock file when the application is deployed, if the store has none yet. */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StockSeeder {

    @EJB
    private Inventory inventory;

    @PostConstruct
    void seed() {
        inventory.createIfAbsent();
    }
}
