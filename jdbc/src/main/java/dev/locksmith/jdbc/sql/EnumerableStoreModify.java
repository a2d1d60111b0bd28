package dev.locksmith.jdbc.sql;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rex.RexNode;

/**
 * INSERT, UPDATE or DELETE of a {@link RecordTable}, runnable: generated code that hands the input rows (the rows to
 * insert or delete, or for UPDATE the old columns followed by the new values) to
 * {@link RecordTable#modify} and returns its row count.
 */
final class EnumerableStoreModify extends TableModify implements EnumerableRel {
    private static final Method MODIFY;

    static {
        try {
            MODIFY = RecordTable.class.getMethod("modify", Enumerable.class, String.class, String.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    EnumerableStoreModify(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, Prepare.CatalogReader catalogReader,
                          RelNode input, Operation operation, List<String> updateColumnList,
                          List<RexNode> sourceExpressionList, boolean flattened) {
        super(cluster, traits, table, catalogReader, input, operation, updateColumnList, sourceExpressionList, flattened);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableStoreModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs), getOperation(),
                getUpdateColumnList(), getSourceExpressionList(), isFlattened());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
        Expression rows = builder.append("rows", input.block);
        Expression arrays = builder.append("arrays", input.physType.convertTo(rows, JavaRowFormat.ARRAY));
        RecordTable table = getTable().unwrap(RecordTable.class);
        List<String> columnNames = getTable().getRowType().getFieldNames();
        List<String> targets = new ArrayList<>();
        if (getUpdateColumnList() != null) {
            for (String column : getUpdateColumnList()) {
                targets.add(String.valueOf(columnNames.indexOf(column)));
            }
        }
        builder.add(Expressions.return_(null, Expressions.call(implementor.stash(table, RecordTable.class), MODIFY, arrays,
                Expressions.constant(getOperation().name()), Expressions.constant(String.join(",", targets)))));
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), pref.prefer(JavaRowFormat.SCALAR));
        return implementor.result(physType, builder.toBlock());
    }
}
