// What `vlac explain` shows beyond the plan (issue 13): each pass's rewrites and time
// (--verbose) and the dataflow for Graphviz (--format dot). Expectations written by hand.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "frontend/frontend.h"
#include "opt/optimizer.h"
#include "plan/explain.h"

namespace vlac {
namespace {

TEST(PassTimes, OneLinePerPassWithRewritesAndTime) {
  OptimizerReport r;
  r.passes = {{"fold-constants", true, 0, 1.25}, {"merge-filters", true, 1, 2.0}, {"merge-projections", false, 0, 0},
              {"push-it", true, 12, 10.5}};
  // Names padded to the longest ("merge-projections", 17), the rewrites in 12 columns, the time
  // right-aligned in 10 (one decimal; 1.25 rounds to even), total of the passes that ran.
  EXPECT_EQ(pass_times_text(r, true),
            "passes:\n"
            "  fold-constants     0 rewrites       1.2 us\n"
            "  merge-filters      1 rewrite        2.0 us\n"
            "  merge-projections  disabled\n"
            "  push-it            12 rewrites     10.5 us\n"
            "  total                              13.8 us\n");
  EXPECT_EQ(pass_times_text(r, false), "passes: none ran (--no-optimize)\n");
}

// Two outputs read one derived stream `fast` (a filter): it is drawn once, with an edge to
// each reader. The two window aggregates over it share one slice store (merge-windows, or
// set by hand below) and sit in one cluster; the third aggregate, a SESSION, stays outside.
constexpr const char* kTwoWindows = R"(
CREATE STREAM cam (ts TIMESTAMP NOT NULL, id INT32, b DOUBLE, WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND);
CREATE STREAM fast AS SELECT * FROM cam WHERE b > 0.5;
CREATE STREAM per_second AS SELECT id, window_start, COUNT(*) AS n FROM TUMBLE(fast, ts, INTERVAL '1' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM per_ten AS SELECT id, window_start, MAX(b) AS top FROM HOP(fast, ts, INTERVAL '1' SECOND, INTERVAL '10' SECOND) GROUP BY id, window_start, window_end;
CREATE STREAM bursts AS SELECT id, window_start, COUNT(*) AS n FROM SESSION(fast, ts, INTERVAL '1' SECOND) GROUP BY id, window_start, window_end;
)";

Compilation compiled(const std::string& text) {
  Compilation c = compile_program("p.vsql", text);
  EXPECT_FALSE(c.diags.has_errors()) << render_report(*c.file, c.diags);
  return c;
}

int count(const std::string& text, const std::regex& re) {
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

/// The node id (`n3`) whose label starts with `#N KIND` for a label containing `needle`.
std::string node_with(const std::string& dot, const std::string& needle) {
  std::smatch m;
  std::regex line("  (n[0-9]+) \\[label=\"[^\\n]*" + std::regex_replace(needle, std::regex(R"([()\[\].*+?|{}])"), R"(\$&)"));
  return std::regex_search(dot, m, line) ? m[1].str() : "";
}

TEST(ExplainDot, OneNodePerOperatorEdgesToReadersOutputsApart) {
  Compilation c = compiled(kTwoWindows);
  std::string dot = explain_dot(c.program);
  // Sources, the filter, three window aggregates and their projections: one box each, once.
  std::string source = node_with(dot, "Source cam"), filter = node_with(dot, "Filter (b > 0.5)");
  ASSERT_FALSE(source.empty()) << dot;
  ASSERT_FALSE(filter.empty()) << dot;
  EXPECT_EQ(count(dot, std::regex("Source cam")), 1);
  EXPECT_EQ(count(dot, std::regex(R"(Filter \(b > 0.5\))")), 1);
  EXPECT_EQ(count(dot, std::regex(R"(\[label="#[0-9]+ WindowAggregate)")), 3);
  EXPECT_NE(dot.find("  " + source + " -> " + filter + ";\n"), std::string::npos) << dot;
  // The filter is read by the three aggregates: three edges out of it.
  EXPECT_EQ(count(dot, std::regex("  " + filter + " -> n[0-9]+;")), 3) << dot;
  // Three outputs, each an ellipse of its own with one edge in.
  for (const char* name : {"per_second", "per_ten", "bursts"}) {
    EXPECT_EQ(count(dot, std::regex(std::string(R"(out[0-9]+ \[shape=ellipse, style=bold, label="output )") + name + R"("\])")), 1)
        << name;
  }
  EXPECT_EQ(count(dot, std::regex(R"(  n[0-9]+ -> out[0-9]+;)")), 3);
  // Schema and watermark bound on each box; the source's bound is its WATERMARK clause's.
  EXPECT_NE(dot.find("#0 Source cam\\lschema: [ts TIMESTAMP NOT NULL *time*, id INT32, b FLOAT64]\\lwatermark: ts - 5ms\\l"),
            std::string::npos)
      << dot;
  // merge-windows shares one slice store between the TUMBLE and the HOP over `fast` (not the
  // SESSION): one cluster.
  EXPECT_EQ(count(dot, std::regex("subgraph cluster_shared_0 ")), 1) << dot;
  EXPECT_EQ(count(dot, std::regex("subgraph")), 1) << dot;
}

TEST(ExplainDot, WindowAggregatesOfOneSharedOperatorInOneCluster) {
  Compilation c = compiled(kTwoWindows);
  std::vector<WindowAggregateNode*> windows;
  for (const ProgramOutput& o : c.program.outputs) {
    PlanNode* n = o.plan.get();
    while (n->kind != PlanKind::WindowAggregate && !n->inputs.empty()) n = n->inputs[0].get();
    ASSERT_EQ(n->kind, PlanKind::WindowAggregate) << o.name;
    if (static_cast<WindowAggregateNode*>(n)->window.kind != WindowKind::Session) windows.push_back(static_cast<WindowAggregateNode*>(n));
  }
  ASSERT_EQ(windows.size(), 2u);
  for (WindowAggregateNode* w : windows) w->shared_operator = 7;
  std::string dot = explain_dot(c.program);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dot, m, std::regex("  subgraph cluster_shared_7 \\{\n    label=\"shared operator #7\";\n    style=dashed;\n"
                                                               "((    n[0-9]+;\n)+)  \\}")))
      << dot;
  std::string members = m[1].str();
  EXPECT_EQ(count(members, std::regex("n[0-9]+;")), 2);
  EXPECT_NE(members.find(node_with(dot, "WindowAggregate TUMBLE") + ";"), std::string::npos) << dot;
  EXPECT_NE(members.find(node_with(dot, "WindowAggregate HOP") + ";"), std::string::npos) << dot;
  EXPECT_EQ(members.find(node_with(dot, "WindowAggregate SESSION") + ";"), std::string::npos) << dot;
  EXPECT_EQ(count(dot, std::regex("subgraph")), 1);
}

/// Graphviz must accept what we print (a quote or backslash in a name or literal is escaped).
TEST(ExplainDot, GraphvizAcceptsIt) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "graphviz (dot) is not installed";
  Compilation c = compiled(std::string(kTwoWindows) +
                           "SELECT id, 'say \"hi\" \\\\ {x|y} <z>' || CAST(id AS STRING) AS s FROM cam WHERE b > 2;\n");
  for (const ProgramOutput& o : c.program.outputs)
    if (o.plan->kind == PlanKind::WindowAggregate) static_cast<WindowAggregateNode&>(*o.plan).shared_operator = 0;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("vlac_dot_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "p.dot") << explain_dot(c.program);
  std::string cmd = "dot -Tsvg " + (dir / "p.dot").string() + " -o " + (dir / "p.svg").string() + " 2>" + (dir / "err").string();
  int status = std::system(cmd.c_str());
  std::ifstream err(dir / "err");
  std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << message;
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_GT(std::filesystem::file_size(dir / "p.svg"), 1000u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vlac
