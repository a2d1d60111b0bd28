package dev.locksmith.jdbc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.AbstractCursor;
import org.apache.calcite.avatica.util.Cursor;

/**
 * The forward-only, read-only result set of a point lookup: no row or one. Its values are read
 * through Avatica's own accessors, made from the column metadata of the statement Calcite prepared,
 * so every getter converts as Calcite's result set for the same statement does (the same values,
 * the same errors); its metadata is that statement's. Closed by {@link #close}, by the statement's
 * next execution and by the statement's close; any call but close/isClosed on a closed one fails as
 * Avatica's does ("ResultSet closed").
 *
 * <p>The accessors belong to one {@link Columns} per prepared statement and read the row of the
 * result set made last, which is the only open one. Not thread-safe, as JDBC result sets are not.
 */
final class RowResultSet implements InvocationHandler {
    /**
     * Each getter of ResultSet (by column index or label), by its own Method (overloads such as
     * getObject(int, Class) and getObject(int, Map) differ only in their parameter types), to its
     * accessor counterpart: the same name and the parameters after the column.
     */
    private static final Map<Method, Method> ACCESSOR_GETTERS = new HashMap<>();
    /** The proxy class's constructor, found once: every execution makes a result set. */
    private static final Constructor<?> PROXY;

    static {
        for (Method getter : ResultSet.class.getMethods()) {
            Class<?>[] parameters = getter.getParameterTypes();
            if (!getter.getName().startsWith("get") || parameters.length == 0
                    || (parameters[0] != int.class && parameters[0] != String.class)) {
                continue;
            }
            Class<?>[] rest = java.util.Arrays.copyOfRange(parameters, 1, parameters.length);
            try {
                ACCESSOR_GETTERS.put(getter, Cursor.Accessor.class.getMethod(getter.getName(), rest));
            } catch (NoSuchMethodException e) {
                // getDate(int) and the like take the result set's calendar: handled by name.
            }
        }
        try {
            PROXY = Proxy.newProxyInstance(RowResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class},
                    (self, method, args) -> null).getClass().getConstructor(InvocationHandler.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The accessors of one prepared statement's result columns, over the row of its newest result set. */
    static final class Columns extends AbstractCursor {
        private final ResultSetMetaData metaData;
        private final List<Cursor.Accessor> accessors;
        private final String[] labels;
        private final Calendar localCalendar;
        private Object[] row;

        Columns(List<ColumnMetaData> columns, ResultSetMetaData metaData, Calendar localCalendar) {
            this.metaData = metaData;
            this.localCalendar = localCalendar;
            this.accessors = createAccessors(columns, localCalendar, null);
            this.labels = new String[columns.size()];
            for (int c = 0; c < labels.length; c++) {
                labels[c] = columns.get(c).label;
            }
        }

        @Override
        protected Getter createGetter(int ordinal) {
            return new Getter() {
                @Override
                public Object getObject() {
                    Object value = row[ordinal];
                    wasNull[0] = value == null;
                    return value;
                }

                @Override
                public boolean wasNull() {
                    return wasNull[0];
                }
            };
        }

        @Override
        public boolean next() {
            throw new UnsupportedOperationException("a point lookup's result set moves by itself");
        }

        @Override
        public void close() {
            row = null;
        }
    }

    private enum Position { BEFORE, ON, AFTER }

    private final Columns columns;
    private final Statement statement;
    private final Object[] row;
    private Position position = Position.BEFORE;
    private boolean closed;

    private RowResultSet(Columns columns, Statement statement, Object[] row) {
        this.columns = columns;
        this.statement = statement;
        this.row = row;
    }

    /** A result set of {@code row} (null: none) for {@code statement}. */
    static ResultSet of(Columns columns, Statement statement, Object[] row) {
        try {
            return (ResultSet) PROXY.newInstance(new RowResultSet(columns, statement, row));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a result set proxy", e);
        }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "close" -> {
                closed = true;
                return null;
            }
            case "isClosed" -> {
                return closed;
            }
            case "hashCode" -> {
                return System.identityHashCode(self);
            }
            case "equals" -> {
                return self == args[0];
            }
            case "toString" -> {
                return "LocksmithPointLookupResultSet";
            }
            default -> {
                // The rest need an open result set.
            }
        }
        if (closed) {
            throw new SQLException("ResultSet closed");
        }
        switch (name) {
            case "next" -> {
                boolean on = position == Position.BEFORE && row != null;
                position = on ? Position.ON : Position.AFTER;
                if (on) {
                    columns.row = row;
                }
                return on;
            }
            case "getInt" -> {
                return accessor(args[0]).getInt();
            }
            case "getLong" -> {
                return accessor(args[0]).getLong();
            }
            case "getString" -> {
                return accessor(args[0]).getString();
            }
            case "getObject" -> {
                if (args.length == 1) {
                    return accessor(args[0]).getObject();
                }
            }
            case "wasNull" -> {
                return columns.wasNull();
            }
            case "findColumn" -> {
                return findColumn((String) args[0]);
            }
            case "getMetaData" -> {
                return columns.metaData;
            }
            case "getStatement" -> {
                return statement;
            }
            case "getType" -> {
                return ResultSet.TYPE_FORWARD_ONLY;
            }
            case "getConcurrency" -> {
                return ResultSet.CONCUR_READ_ONLY;
            }
            case "getHoldability" -> {
                return ResultSet.CLOSE_CURSORS_AT_COMMIT;
            }
            case "getFetchDirection" -> {
                return ResultSet.FETCH_FORWARD;
            }
            case "getFetchSize" -> {
                return 0;
            }
            case "setFetchSize", "clearWarnings" -> {
                return null;
            }
            case "setFetchDirection" -> {
                if ((Integer) args[0] != ResultSet.FETCH_FORWARD) {
                    throw new SQLFeatureNotSupportedException("setFetchDirection: the result set is forward-only", "0A000");
                }
                return null;
            }
            case "getWarnings" -> {
                return null;
            }
            case "getRow" -> {
                return position == Position.ON ? 1 : 0;
            }
            case "isBeforeFirst" -> {
                return position == Position.BEFORE && row != null;
            }
            case "isAfterLast" -> {
                return position == Position.AFTER && row != null;
            }
            case "isFirst", "isLast" -> {
                return position == Position.ON;
            }
            case "unwrap" -> {
                if (((Class<?>) args[0]).isInstance(self)) {
                    return self;
                }
                throw new SQLException("not a wrapper for " + args[0]);
            }
            case "isWrapperFor" -> {
                return ((Class<?>) args[0]).isInstance(self);
            }
            default -> {
                // A getter for which the accessor is asked by reflection, or an unsupported call.
            }
        }
        if (name.startsWith("get") && args != null && args.length > 0) {
            return get(method, args);
        }
        throw new SQLFeatureNotSupportedException(name + ": the result set of a point lookup is forward-only and read-only",
                "0A000");
    }

    private Object get(Method method, Object[] args) throws Throwable {
        String name = method.getName();
        Cursor.Accessor accessor = accessor(args[0]);
        switch (name) {
            case "getDate", "getTime", "getTimestamp" -> {
                Calendar calendar = args.length > 1 ? (Calendar) args[1] : columns.localCalendar;
                return name.equals("getDate") ? accessor.getDate(calendar)
                        : name.equals("getTime") ? accessor.getTime(calendar) : accessor.getTimestamp(calendar);
            }
            default -> {
                Method target = ACCESSOR_GETTERS.get(method);
                if (target == null) {
                    throw new SQLFeatureNotSupportedException(name + " is not supported by the result set of a point lookup", "0A000");
                }
                try {
                    return target.invoke(accessor, java.util.Arrays.copyOfRange(args, 1, args.length));
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
    }

    /** The accessor of the column {@code column} names (a 1-based index or a label), on the current row. */
    private Cursor.Accessor accessor(Object column) throws SQLException {
        int index = column instanceof Integer i ? i : findColumn((String) column);
        if (index < 1 || index > columns.labels.length) {
            throw new SQLException("invalid column ordinal: " + index);
        }
        if (position != Position.ON) {
            throw new SQLException("the result set is " + (position == Position.BEFORE ? "before its first row" : "after its last row")
                    + "; next() moves it onto a row", "24000");
        }
        return columns.accessors.get(index - 1);
    }

    /** As Avatica: the first column whose label equals {@code label} ignoring case. */
    private int findColumn(String label) throws SQLException {
        for (int c = 0; c < columns.labels.length; c++) {
            if (columns.labels[c].equalsIgnoreCase(label)) {
                return c + 1;
            }
        }
        throw new SQLException("column '" + label + "' not found");
    }
}
