package dev.locksmith.ra.spi;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.OperationNotSupportedException;
import javax.naming.spi.InitialContextFactory;

/**
 * The part of a server's JNDI the adapter reads — lookups of names an application server binds —
 * for tests outside a server: {@link #install()} makes it the JVM's initial context, {@link #bind}
 * puts an object under a name, {@link #uninstall()} takes it all away again.
 */
public final class ServerJndi implements InitialContextFactory {

    private static final Map<String, Object> BOUND = new ConcurrentHashMap<>();

    /** Makes this the initial context factory of every {@code new InitialContext()} in this JVM. */
    static void install() {
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, ServerJndi.class.getName());
    }

    /** Forgets every binding and the initial context factory. */
    static void uninstall() {
        System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        BOUND.clear();
        STARTING.clear();
    }

    static void bind(String name, Object value) {
        BOUND.put(name, value);
    }

    /**
     * Binds {@code value} under {@code name} as a server binds a service it starts on demand: the
     * first {@code lookups} lookups fail as WildFly's do before the service is up.
     */
    static void bindStarting(String name, Object value, int lookups) {
        STARTING.put(name, new java.util.concurrent.atomic.AtomicInteger(lookups));
        BOUND.put(name, value);
    }

    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> STARTING = new ConcurrentHashMap<>();

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lookup" -> {
                        var starting = STARTING.get(String.valueOf(args[0]));
                        if (starting != null && starting.getAndDecrement() > 0) {
                            NameNotFoundException notUp = new NameNotFoundException(args[0] + " is starting");
                            notUp.setRootCause(new IllegalStateException("service not up"));
                            throw notUp;
                        }
                        Object value = BOUND.get(String.valueOf(args[0]));
                        if (value == null) {
                            throw new NameNotFoundException(args[0] + " is not bound");
                        }
                        yield value;
                    }
                    case "close" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ServerJndi";
                    default -> throw new OperationNotSupportedException(method.getName());
                });
    }
}
