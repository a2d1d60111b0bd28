package dev.locksmith.jdbc.sql;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.runtime.Hook;

/**
 * Plans INSERT, UPDATE and DELETE of a {@link RecordTable} as an {@link EnumerableStoreModify}.
 * Calcite's own enumerable modify does only INSERT and DELETE, through a collection of the table's
 * rows; a record table is no {@link org.apache.calcite.schema.ModifiableTable}, so that rule passes
 * it by and this one takes it. Calcite has no per-connection way to add a planner rule, so
 * {@link #install()} adds it to every planner of the JVM through {@link Hook#PLANNER}; it matches
 * only modifications of record tables. Thread-safe.
 */
public final class StoreModifyRule extends ConverterRule {
    private static final StoreModifyRule INSTANCE = Config.INSTANCE
            .withConversion(LogicalTableModify.class, (LogicalTableModify modify) -> modify.getTable().unwrap(RecordTable.class) != null,
                    Convention.NONE, EnumerableConvention.INSTANCE, "StoreModifyRule")
            .withRuleFactory(StoreModifyRule::new)
            .toRule(StoreModifyRule.class);
    private static boolean installed;

    private StoreModifyRule(Config config) {
        super(config);
    }

    /** Makes every Calcite planner of this JVM know the rule; idempotent. */
    public static synchronized void install() {
        if (!installed) {
            Hook.PLANNER.<RelOptPlanner>add(planner -> planner.addRule(INSTANCE));
            installed = true;
        }
    }

    @Override
    public RelNode convert(RelNode rel) {
        TableModify modify = (TableModify) rel;
        RelTraitSet traits = modify.getTraitSet().replace(EnumerableConvention.INSTANCE);
        return new EnumerableStoreModify(modify.getCluster(), traits, modify.getTable(), modify.getCatalogReader(),
                convert(modify.getInput(), traits), modify.getOperation(), modify.getUpdateColumnList(),
                modify.getSourceExpressionList(), modify.isFlattened());
    }
}
