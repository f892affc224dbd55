#!/usr/bin/env bash
# The benchmark suite in one command (issue 14): installs what it needs (DuckDB's npm package
# into ~/.cache/vlac-bench, gnuplot-nox for the chart), builds the release configuration, then
# runs bench/suite/suite.py: every workload of bench/suite/workloads/ on vlac, the hand-written
# C++ programs, DuckDB (1 thread and all cores) and SQLite, on the same generated files, checks
# that their results agree, and writes bench/results/suite.{md,csv,png}.
# Usage: bench/suite/run.sh [--rows N] [--runs K] [--only NAME[,NAME]] [--no-sqlite] [suite.py options]
#   (default 2,000,000 rows per workload, 3 runs; bench/suite/suite.py --help lists the rest)
#   --vlac-threads 1,2 --duckdb-threads 1,2 [--contention]: vlac and DuckDB at 1 and 2 threads (issue 16)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/duckdb.sh

scripts/install-deps.sh
install_duckdb
if [[ ! -x /usr/bin/time ]]; then
  echo "bench: installing time (peak RSS of each run)" >&2
  apt_install time
fi
if ! command -v gnuplot > /dev/null && ! python3 -c 'import matplotlib' 2> /dev/null; then
  echo "bench: installing gnuplot-nox for the chart" >&2
  apt_install gnuplot-nox
fi
scripts/build.sh release
exec python3 bench/suite/suite.py --duckdb-modules "$duckdb_cache" "$@"
