package dev.locksmith.jdbc.sql;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * The read of a {@link RecordTable}, with the conditions of the filter above it that
 * {@link KeyedRead} may turn into keyed access. Runnable code calls {@link RecordTable#scan} with
 * them; the filter stays above and checks every row. Planned once per statement (a prepared
 * statement runs compiled code, with no planning or code generation per execution).
 */
final class RecordTableScan extends TableScan implements EnumerableRel {
    private static final Method SCAN;

    static {
        try {
            SCAN = RecordTable.class.getMethod("scan", DataContext.class, List.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Hands a filter's conditions to the scan below it, once. */
    static final RelOptRule PUSH_FILTER = new PushFilter().toRule();

    private final RecordTable table;
    private final List<RexNode> filters;

    RecordTableScan(RelOptCluster cluster, RelOptTable relOptTable, RecordTable table, List<RexNode> filters) {
        super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), List.of(), relOptTable);
        this.table = table;
        this.filters = List.copyOf(filters);
    }

    @Override
    public RelNode copy(org.apache.calcite.plan.RelTraitSet traitSet, List<RelNode> inputs) {
        return this;
    }

    @Override
    public void register(RelOptPlanner planner) {
        planner.addRule(PUSH_FILTER);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).itemIf("filters", filters, !filters.isEmpty());
    }

    /** A scan with conditions reads by key when it can: far cheaper than one without. */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        RelOptCost cost = super.computeSelfCost(planner, mq);
        return filters.isEmpty() || cost == null ? cost : cost.multiplyBy(0.01);
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return super.estimateRowCount(mq) * (filters.isEmpty() ? 1 : 0.01);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        return implementor.result(physType, Blocks.toBlock(Expressions.call(implementor.stash(table, RecordTable.class), SCAN,
                implementor.getRootExpression(), implementor.stash(new ArrayList<>(filters), List.class))));
    }

    /** The rule {@link #PUSH_FILTER}; its configuration is fixed, so the {@code with…} methods return it unchanged. */
    private record PushFilter() implements RelRule.Config {
        @Override
        public RelOptRule toRule() {
            return new RelRule<PushFilter>(this) {
                @Override
                public void onMatch(RelOptRuleCall call) {
                    Filter filter = call.rel(0);
                    RecordTableScan scan = call.rel(1);
                    RecordTableScan narrowed = new RecordTableScan(scan.getCluster(), scan.getTable(), scan.table,
                            RelOptUtil.conjunctions(filter.getCondition()));
                    call.transformTo(filter.copy(filter.getTraitSet(), List.of(narrowed)));
                }
            };
        }

        @Override
        public String description() {
            return "RecordTableScanFilterRule";
        }

        @Override
        public RelRule.OperandTransform operandSupplier() {
            return filter -> filter.operand(Filter.class)
                    .oneInput(scan -> scan.operand(RecordTableScan.class).predicate(s -> s.filters.isEmpty()).noInputs());
        }

        @Override
        public RelRule.Config withRelBuilderFactory(RelBuilderFactory factory) {
            return this;
        }

        @Override
        public RelRule.Config withDescription(String description) {
            return this;
        }

        @Override
        public RelRule.Config withOperandSupplier(RelRule.OperandTransform transform) {
            return this;
        }
    }
}
