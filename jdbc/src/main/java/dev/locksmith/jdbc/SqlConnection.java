package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.ReadCounters;
import dev.locksmith.jdbc.sql.StoreModifyRule;
import dev.locksmith.jdbc.sql.StoreSchema;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.TransactionMode;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * A Locksmith JDBC connection: a Calcite connection whose one schema ({@value MetaData#SCHEMA}, the
 * default) is the store's record tables, with transaction control, statement execution and
 * metadata taken over by Locksmith. It is a dynamic proxy so that the many JDBC methods Locksmith
 * does not change reach Calcite untouched. Statements run between {@link Session#beginStatement}
 * and {@link Session#endStatement}; every failure is turned into an SQLException by
 * {@link SqlStates}. Not thread-safe, as JDBC connections are not.
 */
final class SqlConnection implements InvocationHandler, StoreConnection {
    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");

    private final Connection calcite;
    private final Session session;
    private final StoreSchema schema;
    private final String url;
    /** How Calcite parses this connection's statements, for {@link StatementText}. */
    private final SqlParser.Config parser;
    private final Connection proxy;
    private boolean closed;

    private SqlConnection(Connection calcite, Session session, StoreSchema schema, String url) throws SQLException {
        this.calcite = calcite;
        this.session = session;
        this.schema = schema;
        this.url = url;
        // As Calcite's own preparation configures its parser from the connection.
        CalciteConnectionConfig config = calcite.unwrap(CalciteConnection.class).config();
        this.parser = SqlParser.config().withQuoting(config.quoting()).withQuotedCasing(config.quotedCasing())
                .withUnquotedCasing(config.unquotedCasing()).withCaseSensitive(config.caseSensitive())
                .withConformance(config.conformance());
        this.proxy = (Connection) Proxy.newProxyInstance(SqlConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class, StoreConnection.class}, this);
    }

    /**
     * A connection on {@code access}; its record lock requests wait {@code lockWait}. On failure
     * {@code access} is released.
     */
    static Connection open(StoreAccess access, Duration lockWait, String url) throws SQLException {
        StoreModifyRule.install();
        try {
            Properties properties = new Properties();
            properties.setProperty("caseSensitive", "false");
            Connection calcite = new org.apache.calcite.jdbc.Driver().connect("jdbc:calcite:", properties);
            CalciteConnection connection = calcite.unwrap(CalciteConnection.class);
            Session session = new Session(access, lockWait);
            StoreSchema schema = new StoreSchema(session);
            connection.getRootSchema().add(MetaData.SCHEMA, schema);
            connection.setSchema(MetaData.SCHEMA);
            return new SqlConnection(calcite, session, schema, url).proxy;
        } catch (SQLException | RuntimeException e) {
            access.release();
            throw e instanceof RmsException rms ? SqlStates.fromStore(rms) : e instanceof SQLException sql ? sql : SqlStates.translate(e);
        }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> self == args[0];
                case "hashCode" -> System.identityHashCode(self);
                default -> "LocksmithConnection[" + url + "]";
            };
        }
        if (method.getDeclaringClass() == StoreConnection.class) {
            return method.invoke(this, args);
        }
        switch (name) {
            case "close" -> {
                close();
                return null;
            }
            case "isClosed" -> {
                return closed;
            }
            case "isValid" -> {
                return !closed;
            }
            default -> {
                // The rest need an open connection.
            }
        }
        if (closed) {
            throw new SQLException(name + ": the connection is closed", "08003");
        }
        switch (name) {
            case "commit" -> session.commit();
            case "rollback" -> {
                if (args != null) {
                    session.rollback((Savepoint) args[0]);
                } else {
                    session.rollback();
                }
            }
            case "setSavepoint" -> {
                return session.setSavepoint(args == null ? null : (String) args[0]);
            }
            case "releaseSavepoint" -> session.release((Savepoint) args[0]);
            case "prepareCall" -> throw new SQLFeatureNotSupportedException(name + " is not supported", "0A000");
            case "setAutoCommit" -> session.setAutoCommit((Boolean) args[0]);
            case "getAutoCommit" -> {
                return session.autoCommit();
            }
            case "setTransactionIsolation" -> session.setIsolation((Integer) args[0]);
            case "getTransactionIsolation" -> {
                return session.isolation();
            }
            case "createStatement" -> {
                return wrap(Statement.class, delegate(method, args), null, null);
            }
            case "prepareStatement" -> {
                StatementText text = StatementText.of((String) args[0], parser);
                Object[] stripped = args.clone();
                stripped[0] = text.sql();
                PreparedStatement prepared;
                session.planAssignment(text.assigns());
                try {
                    prepared = (PreparedStatement) delegate(method, stripped);
                } catch (SQLException e) {
                    throw SqlStates.translate(e);
                } finally {
                    session.planAssignment(false);
                }
                LookupStatement lookup = args.length == 1 ? LookupStatement.of(this, calcite, session, text, prepared).orElse(null) : null;
                return wrap(PreparedStatement.class, prepared, text, lookup);
            }
            case "getMetaData" -> {
                return metaData((DatabaseMetaData) delegate(method, args));
            }
            case "unwrap" -> {
                return ((Class<?>) args[0]).isInstance(self) ? self : delegate(method, args);
            }
            case "isWrapperFor" -> {
                return ((Class<?>) args[0]).isInstance(self) || (Boolean) delegate(method, args);
            }
            default -> {
                return delegate(method, args);
            }
        }
        return null;
    }

    private Object delegate(Method method, Object[] args) throws Throwable {
        return call(calcite, method, args);
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } finally {
            calcite.close();
        }
    }

    /**
     * A statement whose executions run as statements of the session. A plain statement reads its
     * text at each execute; a prepared one was read ({@code prepared}) when it was prepared. A
     * point lookup's statement ({@code lookup} not null) runs its own executions where it can.
     */
    private <T extends Statement> T wrap(Class<T> type, Object statement, StatementText prepared, LookupStatement lookup) {
        InvocationHandler handler = (self, method, args) -> {
            String name = method.getName();
            if (name.equals("getConnection")) {
                return proxy;
            }
            if (lookup != null) {
                Object result = lookup.invoke((Statement) self, (Statement) statement, name, args);
                if (result != LookupStatement.CALCITE) {
                    return result;
                }
            }
            if (!EXECUTES.contains(name)) {
                Object result = call(statement, method, args);
                if (lookup != null) {
                    lookup.parameterSet(name, args);
                }
                return result;
            }
            StatementText text = prepared;
            Object[] actual = args;
            if (args != null && args.length > 0 && args[0] instanceof String sql) {
                text = StatementText.of(sql, parser);
                actual = args.clone();
                actual[0] = text.sql();
            } else if (text == null) {
                text = new StatementText(null, true, null, true); // a batch of statements: lock and plan as a change would
            }
            Object[] finalArgs = actual;
            return execute(text, () -> call(statement, method, finalArgs));
        };
        return type.cast(Proxy.newProxyInstance(SqlConnection.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** A call that may throw anything. */
    interface Execution {
        Object run() throws Throwable;
    }

    /** Runs {@code execution} as one statement of the session (see the class comment). */
    Object execute(StatementText text, Execution execution) throws SQLException {
        if (closed) {
            throw new SQLException("execute: the connection is closed", "08003");
        }
        session.beginStatement(text.lockEx(), text.lockWait());
        session.planAssignment(text.assigns());
        Object result;
        try {
            result = execution.run();
        } catch (Throwable e) {
            session.planAssignment(false);
            try {
                session.endStatement(false);
            } catch (RuntimeException ignored) {
                // The statement's own failure is the one to report.
            }
            throw SqlStates.translate(e);
        }
        session.planAssignment(false);
        try {
            session.endStatement(true);
        } catch (RuntimeException e) {
            throw SqlStates.translate(e);
        }
        return result;
    }

    private DatabaseMetaData metaData(DatabaseMetaData calciteMeta) {
        InvocationHandler handler = (self, method, args) -> switch (method.getName()) {
            case "getConnection" -> proxy;
            case "getPrimaryKeys" -> MetaData.primaryKeys(schema, (String) args[2]);
            case "getIndexInfo" -> MetaData.indexInfo(schema, (String) args[2], (Boolean) args[3]);
            case "getDatabaseProductName" -> "Locksmith";
            case "getDriverName" -> "Locksmith JDBC";
            case "getURL" -> url;
            case "getDefaultTransactionIsolation" -> Connection.TRANSACTION_REPEATABLE_READ;
            case "supportsTransactions", "supportsSelectForUpdate", "supportsTransactionIsolationLevel", "supportsSavepoints" -> true;
            default -> call(calciteMeta, method, args);
        };
        return (DatabaseMetaData) Proxy.newProxyInstance(SqlConnection.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, handler);
    }

    // ---- StoreConnection ----

    @Override
    public Path storeDirectory() {
        return session.store().directory();
    }

    @Override
    public TransactionMode transactionMode() {
        return session.mode();
    }

    @Override
    public ReadCounters readCounters() {
        return session.counters();
    }
}
