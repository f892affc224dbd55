#pragma once
// The optimizer's passes. Each rewrites the program in place, returns how many rewrites it made
// (`vlac explain` names the passes that fired) and is described in its own file.

#include "plan/logical_plan.h"

namespace vlac {

/// Folds constant subexpressions: (2 + 3) => 5, NOT TRUE => FALSE, x AND TRUE => x.
int fold_constants(LogicalProgram& program);
/// Project(columns 0..n-1 unchanged) => its input, except at an output's root.
int remove_identity_projections(LogicalProgram& program);
/// Filter(a) over Filter(b) => Filter(b AND a), when the inner filter has no other reader.
int merge_filters(LogicalProgram& program);
/// Filter over Project => Project over Filter (predicate substituted), when nothing else reads
/// the projection.
int push_filters_through_projections(LogicalProgram& program);
/// Conjuncts of a Filter over a join (and of an interval join's ON residual) that read one side
/// only move to that side's input, where that is equivalent (the file says when).
int push_filters_into_joins(LogicalProgram& program);
/// Conjuncts of a Filter over a keyed aggregate that read only group keys move below it.
int push_filters_below_aggregates(LogicalProgram& program);
/// The conjuncts of a Filter over a WindowAssign that read no window column move below it: rows
/// are filtered once before HOP and CUMULATE copy them into several windows.
int push_filters_below_windows(LogicalProgram& program);
/// HOP and CUMULATE aggregates are computed from non-overlapping slices (WindowSpec::slice):
/// a row updates one slice instead of size / slide windows.
int slice_windows(LogicalProgram& program);
/// The slice length slice-windows gives a window (0: not sliced).
int64_t slice_length(const WindowSpec& w);
/// Window aggregates of the same input, keys and compatible windows share one slice store
/// (WindowAggregateNode::shared_operator): rows are read and sliced once for all of them.
int merge_windows(LogicalProgram& program);
/// Project(a) over Project(b) => Project(a o b), when the inner projection has no other reader.
int merge_projections(LogicalProgram& program);
/// A subexpression occurring twice or more in one node's expressions is computed once, in a
/// hidden column ($cse0, ...) of a Project inserted below the node.
int share_subexpressions(LogicalProgram& program);
/// Marks on each SourceNode the columns no operator reads (SourceNode::read_columns), so that
/// the readers skip them unconverted; returns how many source columns are skipped. Runs last.
int prune_source_columns(LogicalProgram& program);

}  // namespace vlac
