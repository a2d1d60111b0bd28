package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.PointLookup;
import dev.locksmith.jdbc.sql.StoreSession;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalciteConnection;

/**
 * The part of a prepared statement that is a {@link PointLookup}: it notes the parameter values
 * set on the statement (which Calcite's statement is given too, so it checks them as always) and
 * runs {@code executeQuery()} and {@code execute()} as one keyed read whose result is a
 * {@link RowResultSet}. When the plan cannot take the values (see {@link PointLookup#key}), or the
 * statement is closed, the execution goes to Calcite as any other would. Used by the statement's
 * proxy only; not thread-safe.
 */
final class LookupStatement {
    private static final System.Logger LOG = System.getLogger(LookupStatement.class.getName());
    /** The parameter setters whose value, as given, is what Calcite's data context hands its code. */
    private static final Set<String> PLAIN_SETTERS = Set.of("setLong", "setInt", "setShort", "setByte", "setBigDecimal",
            "setString", "setObject");
    /** A parameter set otherwise (NULL, a stream, a type name): the statement goes to Calcite. */
    private static final Object UNUSABLE = new Object();
    private static final Method GET_SIGNATURE;

    static {
        Method getSignature = null;
        try {
            getSignature = AvaticaStatement.class.getDeclaredMethod("getSignature");
            getSignature.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no point lookups: Avatica's statement signature cannot be read", e);
        }
        GET_SIGNATURE = getSignature;
    }

    /** What {@link #invoke} answers for a call it leaves to Calcite's statement. */
    static final Object CALCITE = new Object();

    /** Test hook: whether statements prepared from now on may run as point lookups. */
    static volatile boolean enabled = true;

    private final SqlConnection connection;
    private final StoreSession session;
    private final StatementText text;
    private final PointLookup plan;
    private final RowResultSet.Columns columns;
    private final Object[] values;
    /** Whether the last execution ran here rather than in Calcite, and its result set until it is closed. */
    private boolean ranHere;
    private ResultSet current;

    private LookupStatement(SqlConnection connection, StoreSession session, StatementText text, PointLookup plan,
                            RowResultSet.Columns columns, int parameterCount) {
        this.connection = connection;
        this.session = session;
        this.text = text;
        this.plan = plan;
        this.columns = columns;
        this.values = new Object[parameterCount];
        Arrays.fill(values, UNUSABLE);
    }

    /** The point lookup {@code prepared} (Calcite's statement for {@code text}) is, if it is one. */
    static Optional<LookupStatement> of(SqlConnection connection, Connection calcite, StoreSession session, StatementText text,
                                        PreparedStatement prepared) throws SQLException {
        if (!enabled || GET_SIGNATURE == null) {
            return Optional.empty();
        }
        CalciteConnection calciteConnection = calcite.unwrap(CalciteConnection.class);
        Optional<PointLookup> plan = PointLookup.recognize(calciteConnection.getRootSchema().getSubSchema(MetaData.SCHEMA), text.sql());
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        Meta.Signature signature;
        try {
            signature = (Meta.Signature) GET_SIGNATURE.invoke(prepared.unwrap(AvaticaStatement.class));
        } catch (ReflectiveOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "no point lookup for {0}: {1}", text.sql(), e);
            return Optional.empty();
        }
        Calendar localCalendar = Calendar.getInstance(calcite.unwrap(AvaticaConnection.class).getTimeZone(), Locale.ROOT);
        RowResultSet.Columns columns = new RowResultSet.Columns(signature.columns, prepared.getMetaData(), localCalendar);
        return Optional.of(new LookupStatement(connection, session, text, plan.get(), columns,
                prepared.getParameterMetaData().getParameterCount()));
    }

    /**
     * Runs the statement method {@code name} if this part handles it, or answers {@link #CALCITE}
     * if Calcite's statement is to run it.
     */
    Object invoke(Statement self, Statement calcite, String name, Object[] args) throws SQLException {
        switch (name) {
            case "executeQuery", "execute" -> {
                if (args != null) {
                    return CALCITE;
                }
                closeCurrent();
                ranHere = false;
                ResultSet set = execute(self, calcite);
                ranHere = set != null;
                return set == null ? CALCITE : name.equals("execute") ? Boolean.TRUE : set;
            }
            case "getResultSet" -> {
                return ranHere ? current : CALCITE;
            }
            case "getUpdateCount" -> {
                return ranHere ? (Object) (-1) : CALCITE;
            }
            case "getLargeUpdateCount" -> {
                return ranHere ? (Object) (-1L) : CALCITE;
            }
            case "getMoreResults" -> {
                if (!ranHere) {
                    return CALCITE;
                }
                closeCurrent();
                return false;
            }
            default -> {
                if (name.equals("close") || name.startsWith("execute")) {
                    // Closing the statement, or another kind of execution, ends this result set too.
                    closeCurrent();
                    ranHere = false;
                }
                return CALCITE;
            }
        }
    }

    /** Notes a parameter setter that Calcite's statement accepted. */
    void parameterSet(String name, Object[] args) {
        if (name.equals("clearParameters")) {
            Arrays.fill(values, UNUSABLE);
            return;
        }
        if (!name.startsWith("set") || args == null || args.length < 2 || !(args[0] instanceof Integer index)
                || index < 1 || index > values.length) {
            return;
        }
        boolean plain = PLAIN_SETTERS.contains(name) && args.length == 2 && args[1] != null;
        values[index - 1] = plain ? args[1] : UNUSABLE;
    }

    private ResultSet execute(Statement self, Statement calcite) throws SQLException {
        if (calcite.isClosed()) {
            return null;
        }
        byte[] key = plan.key(values);
        if (key == null) {
            return null;
        }
        Object[] row = (Object[]) connection.execute(text, () -> plan.read(session, key));
        current = RowResultSet.of(columns, self, row);
        return current;
    }

    private void closeCurrent() throws SQLException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
