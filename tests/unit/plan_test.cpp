// The logical plan: operators, join classification, event-time propagation, outputs, and each
// optimizer pass. Expectations are derived by hand from LANGUAGE.md.
#include <gtest/gtest.h>

#include "codegen/jit/program_codegen.h"
#include "frontend/frontend.h"
#include "physical/operator_settings.h"
#include "physical/physical_plan.h"
#include "plan/explain.h"

namespace vlac {
namespace {

constexpr const char* kStreams = R"(
CREATE STREAM a (ts TIMESTAMP NOT NULL, k INT32, x DOUBLE, WATERMARK FOR ts AS ts - 10ms);
CREATE STREAM b (ts TIMESTAMP NOT NULL, k INT32, y DOUBLE, WATERMARK FOR ts AS ts - 20ms);
CREATE STREAM plain (t TIMESTAMP NOT NULL, v INT32);
)";

LogicalProgram plan_of(const std::string& body, bool optimize = true, std::set<std::string> disabled = {}) {
  FrontendOptions options;
  options.optimize = optimize;
  options.optimizer.disabled = std::move(disabled);
  Compilation c = compile_program("p.vsql", std::string(kStreams) + body, options);
  EXPECT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  return std::move(c.program);
}

const PlanNode& output(const LogicalProgram& p, size_t i = 0) { return *p.outputs.at(i).plan; }

template <typename T>
const T& below(const PlanNode& n, PlanKind kind) {
  EXPECT_EQ(n.inputs.at(0)->kind, kind) << "below " << plan_kind_name(n.kind);
  return static_cast<const T&>(*n.inputs.at(0));
}

TEST(Plan, FirstProgramOfTheSpec) {
  LogicalProgram p = plan_of(
      "CREATE STREAM stats AS SELECT k, window_start, window_end, COUNT(*) AS n, AVG(x) AS mx "
      "FROM TUMBLE(a, ts, INTERVAL '1' SECOND) WHERE x > 0.05 GROUP BY k, window_start, window_end;");
  ASSERT_EQ(p.outputs.size(), 1u);
  EXPECT_EQ(p.outputs[0].name, "stats");
  const PlanNode& proj = output(p);
  ASSERT_EQ(proj.kind, PlanKind::Project);
  const auto& agg = below<WindowAggregateNode>(proj, PlanKind::WindowAggregate);
  EXPECT_EQ(agg.window.kind, WindowKind::Tumble);
  EXPECT_EQ(agg.window.size, 1'000'000'000);
  ASSERT_EQ(agg.keys.size(), 1u);  // window_start and window_end are implicit
  ASSERT_EQ(agg.aggregates.size(), 2u);
  EXPECT_EQ(agg.aggregates[0].function, AggregateFunction::CountStar);
  EXPECT_EQ(agg.aggregates[1].function, AggregateFunction::Avg);
  const auto& filter = below<FilterNode>(agg, PlanKind::Filter);
  below<SourceNode>(filter, PlanKind::Source);
  // The result carries window_time as a hidden event-time column.
  std::vector<std::string> names = visible_names(proj.schema);
  EXPECT_EQ(names, (std::vector<std::string>{"k", "window_start", "window_end", "n", "mx"}));
  auto t = proj.schema.event_time();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(proj.schema.columns[*t].name, "window_time");
  EXPECT_TRUE(proj.schema.columns[*t].hidden);
}

TEST(Plan, OutputsAreUnreadDerivedStreamsAndBareQueries) {
  LogicalProgram p = plan_of(
      "CREATE STREAM d1 AS SELECT ts, k FROM a;\n"
      "SELECT k FROM d1;\n"
      "CREATE STREAM d2 AS SELECT ts, y FROM b;\n"
      "SELECT COUNT(*) AS n FROM a;\n");
  ASSERT_EQ(p.outputs.size(), 3u);
  EXPECT_EQ(p.outputs[0].name, "_1");
  EXPECT_EQ(p.outputs[1].name, "d2");
  EXPECT_EQ(p.outputs[2].name, "_2");
}

TEST(Plan, EventTimePropagation) {
  LogicalProgram p = plan_of(
      "CREATE STREAM kept AS SELECT ts AS t, k FROM a;\n"
      "CREATE STREAM lost AS SELECT ts + INTERVAL '1' SECOND AS t, k FROM a;\n");
  const Schema& kept = p.streams.at("kept")->schema;
  EXPECT_TRUE(kept.columns[0].time_attribute);
  const Schema& lost = p.streams.at("lost")->schema;
  EXPECT_FALSE(lost.event_time().has_value());
}

TEST(Plan, ChainedWindowsUseWindowTime) {
  LogicalProgram p = plan_of(
      "CREATE STREAM s1 AS SELECT k, COUNT(*) AS n FROM TUMBLE(a, ts, 1s) GROUP BY k, window_start, window_end;\n"
      "SELECT k, SUM(n) AS n FROM TUMBLE(s1, window_time, 10s) GROUP BY k;\n");
  const auto& agg = below<WindowAggregateNode>(output(p), PlanKind::WindowAggregate);
  EXPECT_EQ(agg.window.size, 10'000'000'000);
  EXPECT_EQ(agg.inputs[0]->schema.columns[agg.window.time_column].name, "window_time");
}

struct IntervalCase {
  const char* condition;
  int64_t lower, upper;
};

class IntervalJoinBounds : public testing::TestWithParam<IntervalCase> {};

// d = b.ts - a.ts must lie in [lower, upper], bounds inclusive, in nanoseconds.
TEST_P(IntervalJoinBounds, NormaliseToRightMinusLeft) {
  LogicalProgram p = plan_of(std::string("SELECT a.x, b.y FROM a JOIN b ON a.k = b.k AND ") + GetParam().condition + ";");
  const auto& join = below<IntervalJoinNode>(output(p), PlanKind::IntervalJoin);
  EXPECT_EQ(join.lower_ns, GetParam().lower);
  EXPECT_EQ(join.upper_ns, GetParam().upper);
  EXPECT_EQ(join.left_keys.size(), 1u);
}

constexpr int64_t kMs = 1'000'000;
const IntervalCase kIntervalCases[] = {
    {"b.ts BETWEEN a.ts - INTERVAL '50' MILLISECOND AND a.ts + INTERVAL '20' MILLISECOND", -50 * kMs, 20 * kMs},
    {"a.ts BETWEEN b.ts - 1s AND b.ts + 2s", -2000 * kMs, 1000 * kMs},  // the bound on the other side
    {"a.ts = b.ts", 0, 0},
    {"b.ts >= a.ts AND b.ts < a.ts + 10ms", 0, 10 * kMs - 1},  // strict: 1 ns inside
    {"b.ts > a.ts - 5ms AND a.ts + 5ms >= b.ts", -5 * kMs + 1, 5 * kMs},
    {"b.ts <= a.ts AND b.ts >= a.ts - 1s AND b.ts >= a.ts - 2s", -1000 * kMs, 0},  // tightest wins
};

INSTANTIATE_TEST_SUITE_P(Cases, IntervalJoinBounds, testing::ValuesIn(kIntervalCases));

TEST(Plan, IntervalJoinBoundAtInt64MinHoldsBackWithoutOverflow) {
  // The held-back watermark was max(|lower|, |upper|), and |INT64_MIN| overflows (undefined
  // behaviour; INT64_MIN in practice, a negative hold-back). It saturates at INT64_MAX.
  LogicalProgram p = plan_of(
      "SELECT a.x, b.y FROM a JOIN b ON b.ts BETWEEN a.ts - INTERVAL '9223372036854775807' NANOSECOND "
      "- INTERVAL '1' NANOSECOND AND a.ts;");
  const auto& join = below<IntervalJoinNode>(output(p), PlanKind::IntervalJoin);
  EXPECT_EQ(join.lower_ns, INT64_MIN);
  EXPECT_EQ(join.upper_ns, 0);
  EXPECT_EQ(join.watermark.hold_back_ns, INT64_MAX);
}

TEST(Plan, LeftIntervalJoinMakesRightColumnsNullable) {
  LogicalProgram p = plan_of("SELECT a.k AS ak, b.k AS bk FROM a LEFT JOIN b ON a.k = b.k AND a.ts = b.ts;");
  const auto& join = below<IntervalJoinNode>(output(p), PlanKind::IntervalJoin);
  EXPECT_EQ(join.type, JoinType::Left);
  EXPECT_TRUE(output(p).schema.columns[1].type.nullable);
}

TEST(Plan, AsofJoin) {
  LogicalProgram p = plan_of("SELECT a.ts, b.y FROM a LEFT ASOF JOIN b ON a.k = b.k AND a.ts >= b.ts;");
  const auto& join = below<AsofJoinNode>(output(p), PlanKind::AsofJoin);
  EXPECT_EQ(join.type, JoinType::Left);
  EXPECT_EQ(join.left_time, 0);
  EXPECT_EQ(join.right_time, 0);
  EXPECT_EQ(join.watermark.origin, Watermark::Origin::HeldBack);
  // The left side's time stays the event time; the right side's does not.
  EXPECT_TRUE(output(p).schema.columns[0].time_attribute);
}

TEST(Plan, WindowJoin) {
  LogicalProgram p = plan_of(
      "SELECT l.k, r.y FROM TUMBLE(a, ts, 1s) l JOIN TUMBLE(b, ts, 1s) r "
      "ON l.window_start = r.window_start AND l.window_end = r.window_end AND l.k = r.k;");
  const auto& join = below<WindowJoinNode>(output(p), PlanKind::WindowJoin);
  EXPECT_EQ(join.left_keys.size(), 1u);  // the window columns are not keys
  EXPECT_EQ(join.left_window.size, 1'000'000'000);
}

TEST(Physical, JoinKeyIsNullableWhenEitherSideIs) {
  // Issue 11 item 2: the key row was laid out from the left keys only, so a NULL right key of
  // a NOT NULL left key was stored as its zero value and met the left rows holding 0, 0.0,
  // false or "" (every backend and target shares this layout). The key column is nullable when
  // either side is, and wide enough for the longer STRING(n) of the two (firmware keeps
  // strings inline: a shorter one would truncate "abcdef" into equality with "abcd").
  const std::string streams = R"(
CREATE STREAM l (ts TIMESTAMP NOT NULL, i INT32 NOT NULL, s STRING(4) NOT NULL, n INT64, WATERMARK FOR ts AS ts - 1ms);
CREATE STREAM r (ts TIMESTAMP NOT NULL, i INT64, s STRING(8), n INT64 NOT NULL, WATERMARK FOR ts AS ts - 1ms);
)";
  const char* joins[] = {
      "SELECT a.ts FROM l a JOIN r b ON a.i = b.i AND a.s = b.s AND a.n = b.n AND b.ts BETWEEN a.ts - 1ms AND a.ts;",
      "SELECT a.ts FROM l a ASOF JOIN r b ON a.i = b.i AND a.s = b.s AND a.n = b.n AND a.ts >= b.ts;",
      "SELECT a.ts FROM TUMBLE(l, ts, 1s) a JOIN TUMBLE(r, ts, 1s) b ON a.window_start = b.window_start "
      "AND a.window_end = b.window_end AND a.i = b.i AND a.s = b.s AND a.n = b.n;"};
  for (const char* join : joins) {
    for (bool inline_strings : {false, true}) {
      SCOPED_TRACE(std::string(join) + (inline_strings ? " (firmware)" : ""));
      Compilation c = compile_program("p.vsql", streams + join, FrontendOptions{});
      ASSERT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
      LoweringOptions lowering;
      lowering.inline_strings = inline_strings;
      PhysicalPlan plan = lower_to_physical(c.program, *c.file, c.diags, lowering);
      const PhysicalOperator* join_op = nullptr;
      for (const PhysicalOperator& op : plan.operators)
        if (op.kind == OperatorKind::IntervalJoin || op.kind == OperatorKind::AsofJoin || op.kind == OperatorKind::WindowJoin)
          join_op = &op;
      ASSERT_NE(join_op, nullptr);
      const rt::RowLayout& key = join_op->key_layout;
      ASSERT_EQ(key.fields.size(), 3u);
      EXPECT_TRUE(key.fields[0].nullable);  // INT32 NOT NULL = INT64 (nullable)
      EXPECT_TRUE(key.fields[1].nullable);  // STRING(4) NOT NULL = STRING(8) (nullable)
      EXPECT_TRUE(key.fields[2].nullable);  // INT64 (nullable) = INT64 NOT NULL
      EXPECT_EQ(key.fields[0].type, rt::FieldType::Int64);
      EXPECT_EQ(key.fields[1].max_bytes, 8u);
      EXPECT_EQ(key.null_bytes, 1u);
    }
  }
}

/// The operator of a plan with the given kind (the test programs have one of each).
const PhysicalOperator& operator_of(const PhysicalPlan& plan, OperatorKind kind) {
  for (const PhysicalOperator& op : plan.operators)
    if (op.kind == kind) return op;
  ADD_FAILURE() << "no such operator";
  return plan.operators.at(0);
}

void expect_column(const ScalarExpr& e, int column) {
  EXPECT_EQ(e.op, ExprOp::Column);
  EXPECT_EQ(e.column, column);
}

// Issue 12: backends read expressions, accumulator slots and join/OVER parameters from the
// physical plan, which holds its own copies: the logical program may be gone by code generation.
// Column numbers below are counted by hand in each operator's input (a: ts 0, k 1, x 2; the
// join's output row: a.ts 0, a.k 1, a.x 2, b.ts 3, b.k 4, b.y 5).
TEST(Physical, PlanCarriesWhatBackendsReadWithoutTheLogicalPlan) {
  Compilation c = compile_program("p.vsql", std::string(kStreams) +
      "SELECT k, window_start, window_end, COUNT(*) AS n, MAX(x) AS mx FROM TUMBLE(a, ts, INTERVAL '1' SECOND) "
      "WHERE x > 0.5 GROUP BY k, window_start, window_end;\n"
      "SELECT a.ts, a.x, b.y FROM a JOIN b ON a.k = b.k AND a.x < b.y AND b.ts BETWEEN a.ts - INTERVAL '5' MILLISECOND AND a.ts;\n"
      "SELECT ts, AVG(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS m,"
      " LAG(x, 2) OVER (PARTITION BY k ORDER BY ts) AS p FROM a;", FrontendOptions{});
  ASSERT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, c.diags);
  ASSERT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  c.program = LogicalProgram{};  // every logical node is freed

  // WHERE x > 0.5: a pipeline of one filter step, rows keep their layout.
  const Pipeline& where = plan.pipelines.at(static_cast<size_t>(plan.sources[0].consumers.at(0).index));
  ASSERT_EQ(where.steps.size(), 1u);
  EXPECT_EQ(where.steps[0].kind, PipelineStep::Kind::Filter);
  EXPECT_EQ(where.steps[0].predicate->op, ExprOp::Gt);
  expect_column(*where.steps[0].predicate->args[0], 2);
  EXPECT_EQ(where.steps[0].predicate->args[1]->value.f, 0.5);
  EXPECT_EQ(where.steps[0].layout.size, where.input_layout.size);

  const PhysicalOperator& agg = operator_of(plan, OperatorKind::WindowAggregate);
  EXPECT_EQ(agg.display_name, "WindowAggregate");
  ASSERT_EQ(agg.keys.size(), 1u);
  expect_column(*agg.keys[0], 1);
  ASSERT_EQ(agg.slots.size(), 2u);
  EXPECT_EQ(agg.slots[0].function, AggregateFunction::CountStar);
  EXPECT_EQ(agg.slots[0].arg, nullptr);
  EXPECT_EQ(agg.slots[1].function, AggregateFunction::Max);
  expect_column(*agg.slots[1].arg, 2);

  const PhysicalOperator& join = operator_of(plan, OperatorKind::IntervalJoin);
  EXPECT_EQ(join.display_name, "IntervalJoin");
  EXPECT_EQ(join.join.type, JoinType::Inner);
  ASSERT_EQ(join.join.left_keys.size(), 1u);
  ASSERT_EQ(join.join.right_keys.size(), 1u);
  expect_column(*join.join.left_keys[0], 1);
  expect_column(*join.join.right_keys[0], 1);
  ASSERT_NE(join.join.residual, nullptr);
  EXPECT_EQ(join.join.residual->op, ExprOp::Lt);
  expect_column(*join.join.residual->args[0], 2);
  expect_column(*join.join.residual->args[1], 5);
  EXPECT_EQ(join.join.left_time, 0);
  EXPECT_EQ(join.join.right_time, 0);
  // b.ts in [a.ts - 5ms, a.ts]: b.ts - a.ts in [-5ms, 0].
  OperatorSettings js = operator_settings(join);
  EXPECT_EQ(js.lower, -5'000'000);
  EXPECT_EQ(js.upper, 0);
  // ts is each side's first field: after the one-byte null bitmap (k and x, or k and y), at the
  // next 8-byte boundary.
  EXPECT_EQ(js.left_time, 8);
  EXPECT_EQ(js.right_time, 8);
  EXPECT_FALSE(js.left_outer);

  const PhysicalOperator& over = operator_of(plan, OperatorKind::Over);
  EXPECT_EQ(over.display_name, "Over");
  ASSERT_EQ(over.keys.size(), 1u);
  expect_column(*over.keys[0], 1);
  ASSERT_EQ(over.over_calls.size(), 2u);
  EXPECT_EQ(over.over_calls[0].function, AggregateFunction::Avg);
  expect_column(*over.over_calls[0].arg, 2);
  OperatorSettings os = operator_settings(over);
  ASSERT_EQ(os.calls.size(), 2u);
  EXPECT_TRUE(os.calls[0].rows);
  EXPECT_FALSE(os.calls[0].unbounded);
  EXPECT_EQ(os.calls[0].preceding, 2);
  EXPECT_EQ(os.calls[1].function, rt::OverFunction::Lag);
  EXPECT_EQ(os.calls[1].lag, 2);

  // SELECT ts, m, p over the OVER's row (ts, k, x, m, p): one projection step.
  const Pipeline& select = plan.pipelines.at(static_cast<size_t>(over.consumers.at(0).index));
  ASSERT_EQ(select.steps.size(), 1u);
  EXPECT_EQ(select.steps[0].kind, PipelineStep::Kind::Project);
  ASSERT_EQ(select.steps[0].exprs.size(), 3u);
  expect_column(*select.steps[0].exprs[0], 0);
  expect_column(*select.steps[0].exprs[1], 3);
  expect_column(*select.steps[0].exprs[2], 4);

  // A backend generates every kernel from the plan alone.
  llvm::LLVMContext context;
  auto module = jit::generate_module(plan, context);
  EXPECT_NE(module->getFunction(aggregate_kernel_fn_name(join.id, "combine")), nullptr);
  EXPECT_NE(module->getFunction(aggregate_kernel_fn_name(over.id, "args")), nullptr);
  EXPECT_NE(module->getFunction(aggregate_kernel_fn_name(agg.id, "update")), nullptr);
}

TEST(Plan, UnionTakesTheMinimumWatermark) {
  LogicalProgram p = plan_of("SELECT ts, k FROM a UNION ALL SELECT ts, k FROM b;");
  const PlanNode& u = output(p);
  ASSERT_EQ(u.kind, PlanKind::Union);
  EXPECT_EQ(u.watermark.origin, Watermark::Origin::MinOfInputs);
  EXPECT_TRUE(u.schema.columns[0].time_attribute);
}

TEST(Plan, GroupByWithoutWindowEmitsAtEndOfInput) {
  LogicalProgram p = plan_of("SELECT v, COUNT(*) AS n FROM plain GROUP BY v;");
  const auto& g = below<GroupAggregateNode>(output(p), PlanKind::GroupAggregate);
  EXPECT_EQ(g.watermark.origin, Watermark::Origin::EndOfInput);
}

TEST(Plan, OverCollectsCalls) {
  LogicalProgram p = plan_of(
      "SELECT ts, AVG(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS m,"
      " LAG(x, 2) OVER (PARTITION BY k ORDER BY ts) AS p FROM a;");
  const auto& over = below<OverNode>(output(p), PlanKind::Over);
  ASSERT_EQ(over.calls.size(), 2u);
  EXPECT_EQ(over.calls[0].unit, FrameUnit::Rows);
  EXPECT_EQ(over.calls[0].preceding, 2);
  EXPECT_EQ(over.calls[1].function, AggregateFunction::Lag);
  EXPECT_EQ(over.calls[1].lag_offset, 2);
  EXPECT_EQ(over.order_column, 0);
}

// ---- optimizer passes --------------------------------------------------------------------------

TEST(Optimizer, FoldConstants) {
  LogicalProgram p = plan_of("SELECT k FROM a WHERE k > 2 + 3 * 4;");
  const auto& f = below<FilterNode>(output(p), PlanKind::Filter);
  ASSERT_EQ(f.predicate->args[1]->op, ExprOp::Literal);
  EXPECT_EQ(f.predicate->args[1]->value.i, 14);
  LogicalProgram q = plan_of("SELECT k FROM a WHERE k > 2 + 3 * 4;", true, {"fold-constants"});
  EXPECT_EQ(below<FilterNode>(output(q), PlanKind::Filter).predicate->args[1]->op, ExprOp::Add);
}

TEST(Optimizer, FoldedIntegersWrap) {
  LogicalProgram p = plan_of("SELECT k FROM a WHERE k > 2147483647 + 1;");
  // INT32 + INT32 stays INT32 and wraps (LANGUAGE.md §2).
  EXPECT_EQ(below<FilterNode>(output(p), PlanKind::Filter).predicate->args[1]->value.i, -2147483648LL);
}

TEST(Optimizer, PushFiltersBelowWindows) {
  const char* q = "SELECT * FROM HOP(a, ts, 1s, 5s) WHERE x > 1.0;";
  LogicalProgram p = plan_of(q);
  const auto& w = below<WindowAssignNode>(output(p), PlanKind::WindowAssign);
  below<FilterNode>(w, PlanKind::Filter);
  LogicalProgram n = plan_of(q, false);
  below<WindowAssignNode>(below<FilterNode>(output(n), PlanKind::Filter), PlanKind::WindowAssign);
}

TEST(Optimizer, MergeProjectionsAndFilters) {
  const char* q = "CREATE STREAM d AS SELECT ts, k, x * 2 AS x2 FROM a WHERE k > 0;\n"
                  "SELECT x2 + 1 AS y FROM d WHERE x2 > 3.0;";
  LogicalProgram n = plan_of(q, false);
  // Unoptimised: Project, Filter, Project, Filter, Source.
  const auto& f1 = below<FilterNode>(output(n), PlanKind::Filter);
  below<FilterNode>(below<ProjectNode>(f1, PlanKind::Project), PlanKind::Filter);
  LogicalProgram m = plan_of("CREATE STREAM d AS SELECT ts, x * 2 AS x2 FROM a;\nSELECT x2 + 1 AS y FROM d;");
  const auto& top = static_cast<const ProjectNode&>(output(m));
  EXPECT_EQ(top.inputs[0]->kind, PlanKind::Source);  // merged into one projection
  EXPECT_EQ(to_string(*top.exprs[0], all_names(top.inputs[0]->schema)), "((x * 2) + 1)");
  LogicalProgram f = plan_of("CREATE STREAM d AS SELECT * FROM a WHERE k > 0;\nSELECT * FROM d WHERE x > 1.0;");
  // d's SELECT * is bypassed, so the two filters meet and merge: Project <- Filter(AND) <- Source.
  const auto& merged = below<FilterNode>(output(f), PlanKind::Filter);
  EXPECT_EQ(merged.predicate->op, ExprOp::And);
  below<SourceNode>(merged, PlanKind::Source);
}

TEST(Optimizer, SharedNodesAreNotRewrittenForOneReader) {
  LogicalProgram p = plan_of(
      "CREATE STREAM d AS SELECT ts, x * 2 AS x2 FROM a;\n"
      "SELECT x2 + 1 AS y FROM d;\nSELECT x2 - 1 AS z FROM d;");
  EXPECT_EQ(output(p, 0).inputs[0], output(p, 1).inputs[0]);  // both still read d
  EXPECT_EQ(output(p, 0).inputs[0]->kind, PlanKind::Project);
}

// prune-source-columns: the columns of each source that no operator reads, worked out by hand
// from each query (a watermarked source's event time is always read).
std::string skipped(const LogicalProgram& p, const std::string& stream) {
  const auto j = explain_json(p);
  for (const auto& n : j["nodes"])
    if (n["kind"] == "Source" && n["detail"].get<std::string>().rfind(stream, 0) == 0) return n["skipped_columns"].dump();
  return "no source node";
}

TEST(PlanPruning, ColumnsNoOperatorReads) {
  // a(ts, k, x), b(ts, k, y), plain(t, v) without a watermark.
  EXPECT_EQ(skipped(plan_of("SELECT k FROM a;"), "a"), R"(["x"])");
  EXPECT_EQ(skipped(plan_of("SELECT x FROM a WHERE k > 0;"), "a"), "[]");  // ts: event time
  EXPECT_EQ(skipped(plan_of("SELECT v FROM plain;"), "plain"), R"(["t"])");  // no event time
  EXPECT_EQ(skipped(plan_of("SELECT k, COUNT(*) AS n FROM TUMBLE(a, ts, 1s) GROUP BY k;"), "a"), R"(["x"])");
  EXPECT_EQ(skipped(plan_of("SELECT COUNT(*) AS n, MAX(v) AS m FROM plain;"), "plain"), R"(["t"])");
  EXPECT_EQ(skipped(plan_of("SELECT * FROM HOP(a, ts, 1s, 5s) WHERE x > 1.0;"), "a"), "[]");
  EXPECT_EQ(skipped(plan_of("SELECT k, window_start FROM HOP(a, ts, 1s, 5s);"), "a"), R"(["x"])");
  // A projection's columns that nothing reads downstream are no reads, with or without merging.
  const char* chain = "CREATE STREAM d AS SELECT ts, k, x * 2 AS x2 FROM a;\nSELECT k FROM d;";
  EXPECT_EQ(skipped(plan_of(chain), "a"), R"(["x"])");
  EXPECT_EQ(skipped(plan_of(chain, true, {"merge-projections", "remove-identity-projections"}), "a"), R"(["x"])");
  // A stream read by two queries keeps the columns of both.
  EXPECT_EQ(skipped(plan_of("SELECT k FROM a;\nSELECT ts FROM a;"), "a"), R"(["x"])");
  EXPECT_EQ(skipped(plan_of("SELECT k FROM a;\nSELECT x FROM a;"), "a"), "[]");
  // An unread derived stream is an output: its visible columns are read.
  EXPECT_EQ(skipped(plan_of("CREATE STREAM e AS SELECT ts, x FROM a;"), "a"), R"(["k"])");
  // UNION ALL passes the same columns to each branch.
  LogicalProgram u = plan_of("SELECT k FROM (SELECT ts, k, x FROM a UNION ALL SELECT ts, k, y AS x FROM b) u;");
  EXPECT_EQ(skipped(u, "a"), R"(["x"])");
  EXPECT_EQ(skipped(u, "b"), R"(["y"])");
  // OVER reads its partition keys, order column and arguments.
  EXPECT_EQ(skipped(plan_of("SELECT ts, COUNT(*) OVER (PARTITION BY k ORDER BY ts) AS n FROM a;"), "a"), R"(["x"])");
  // Not optimised: every column is converted.
  EXPECT_EQ(skipped(plan_of("SELECT k FROM a;", false), "a"), "[]");
  EXPECT_EQ(skipped(plan_of("SELECT k FROM a;", true, {"prune-source-columns"}), "a"), "[]");
}

TEST(PlanPruning, JoinsReadKeysTimesResidualsAndOutputColumns) {
  const char* within = " AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts;";
  LogicalProgram p = plan_of(std::string("SELECT a.k FROM a JOIN b ON a.k = b.k") + within);
  EXPECT_EQ(skipped(p, "a"), R"(["x"])");
  EXPECT_EQ(skipped(p, "b"), R"(["y"])");
  LogicalProgram r = plan_of(std::string("SELECT a.k FROM a JOIN b ON a.k = b.k AND a.x < b.y") + within);
  EXPECT_EQ(skipped(r, "a"), "[]");  // the residual reads x and y
  EXPECT_EQ(skipped(r, "b"), "[]");
  LogicalProgram asof = plan_of("SELECT b.y FROM a ASOF JOIN b ON a.k = b.k AND a.ts >= b.ts;");
  EXPECT_EQ(skipped(asof, "a"), R"(["x"])");
  EXPECT_EQ(skipped(asof, "b"), "[]");
  LogicalProgram w = plan_of(
      "SELECT l.k, l.window_start FROM TUMBLE(a, ts, 1s) l JOIN TUMBLE(b, ts, 1s) r "
      "ON l.window_start = r.window_start AND l.window_end = r.window_end AND l.k = r.k;");
  EXPECT_EQ(skipped(w, "a"), R"(["x"])");
  EXPECT_EQ(skipped(w, "b"), R"(["y"])");
}

TEST(PlanPruning, RewritesCountSkippedColumnsAndLoweringCopiesTheMask) {
  FrontendOptions options;
  Compilation c = compile_program("p.vsql", std::string(kStreams) + "SELECT k FROM a;\nSELECT v FROM plain;", options);
  ASSERT_FALSE(c.diags.has_errors());
  int rewrites = -1;
  for (const PassRun& r : c.optimizer_report.passes)
    if (r.name == "prune-source-columns") rewrites = r.rewrites;
  EXPECT_EQ(rewrites, 2);  // a.x and plain.t
  PhysicalPlan plan = lower_to_physical(c.program, *c.file, c.diags);
  ASSERT_EQ(plan.sources.size(), 3u);  // a, b, plain in declaration order
  EXPECT_EQ(plan.sources[0].read_columns, (std::vector<bool>{true, true, false}));
  EXPECT_TRUE(plan.sources[1].read_columns.empty());  // b: no query reads it
  EXPECT_EQ(plan.sources[2].read_columns, (std::vector<bool>{false, true}));
}

TEST(Optimizer, PushedJoinConjunctsReadTheirSideWithItsTypes) {
  // LEFT interval join: the right columns are nullable in the join's output, not in b. The ON
  // conjunct b.ts <> b.ts reads only b, moves into b's input and must read b's NOT NULL ts
  // (column 0 of b, not 3 of the join); a.k <> 3 in ON stays in the residual (LEFT), the WHERE
  // conjunct a.x > 1 moves to a's input.
  const char* q =
      "SELECT a.ts, y FROM a LEFT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts "
      "AND b.ts <> b.ts AND a.k <> 3 WHERE a.x > 1.0;";
  LogicalProgram p = plan_of(q);
  const auto& join = below<IntervalJoinNode>(output(p), PlanKind::IntervalJoin);
  ASSERT_TRUE(join.residual);
  EXPECT_EQ(to_string(*join.residual, all_names(join.schema)), "(k <> 3)");
  ASSERT_EQ(join.inputs[1]->kind, PlanKind::Filter);
  const auto& right = static_cast<const FilterNode&>(*join.inputs[1]);
  const ScalarExpr& lhs = *right.predicate->args[0];
  ASSERT_EQ(lhs.op, ExprOp::Column);
  EXPECT_EQ(lhs.column, 0);
  EXPECT_FALSE(lhs.type.nullable);
  EXPECT_TRUE(join.schema.columns[3].type.nullable);
  ASSERT_EQ(join.inputs[0]->kind, PlanKind::Filter);
  EXPECT_EQ(to_string(*static_cast<const FilterNode&>(*join.inputs[0]).predicate, all_names(join.inputs[0]->schema)),
            "(x > 1)");
  // Disabled, the WHERE stays above the join and the residual keeps both conjuncts.
  LogicalProgram off = plan_of(q, true, {"push-filters-into-joins"});
  EXPECT_EQ(below<FilterNode>(output(off), PlanKind::Filter).inputs[0]->kind, PlanKind::IntervalJoin);
}

TEST(Optimizer, ShareSubexpressionsNamesHiddenColumnsInPlanOrder) {
  LogicalProgram p = plan_of("SELECT ts, ABS(x) + 1 AS p, ABS(x) + 2 AS q FROM a;\n"
                             "SELECT ts, k * k AS s, k * k + 1 AS t FROM a;");
  for (size_t i = 0; i < 2; ++i) {
    const auto& below_node = below<ProjectNode>(output(p, i), PlanKind::Project);
    const Column& c = below_node.schema.columns.back();
    EXPECT_EQ(c.name, "$cse" + std::to_string(i));
    EXPECT_TRUE(c.hidden);
    EXPECT_FALSE(c.resolvable);
    EXPECT_EQ(output(p, i).schema.size(), 3);  // the output's columns are unchanged
  }
}

TEST(Explain, JsonIsStableAndComplete) {
  LogicalProgram p = plan_of("SELECT k, COUNT(*) AS n FROM TUMBLE(a, ts, 1s) GROUP BY k;");
  auto j = explain_json(p);
  EXPECT_EQ(j["version"], 1);
  ASSERT_EQ(j["outputs"].size(), 1u);
  EXPECT_EQ(j["outputs"][0]["name"], "_1");
  EXPECT_EQ(j["outputs"][0]["columns"].size(), 2u);  // the hidden window_time is not an output column
  EXPECT_EQ(j["sources"][0]["watermark_bound_ns"], 10'000'000);
  EXPECT_EQ(j["nodes"][0]["kind"], "Source");
  EXPECT_EQ(j["nodes"][0]["watermark"]["origin"], "source");
}

}  // namespace
}  // namespace vlac
