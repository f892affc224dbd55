# Sourced by the benchmark scripts: installs DuckDB's npm package (@duckdb/node-api) into a cache
# outside the repository, with nodejs and npm from Debian when they are missing.
# After `source bench/lib/duckdb.sh; install_duckdb`, $duckdb_cache is the folder to give
# bench/duckdb_query.mjs as MODULES_DIR.
duckdb_version=1.5.6-r.1
duckdb_cache="${XDG_CACHE_HOME:-$HOME/.cache}/vlac-bench"

# apt_install PACKAGE...: installs Debian packages, with sudo when not root.
apt_install() {
  local sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" > /dev/null
}

install_duckdb() {
  if ! command -v npm > /dev/null; then
    echo "bench: installing nodejs and npm" >&2
    apt_install nodejs npm
  fi
  if [[ "$(node -p "require('$duckdb_cache/node_modules/@duckdb/node-api/package.json').version" 2> /dev/null)" != "$duckdb_version" ]]; then
    echo "bench: installing @duckdb/node-api@$duckdb_version into $duckdb_cache" >&2
    mkdir -p "$duckdb_cache"
    npm install --prefix "$duckdb_cache" --no-audit --no-fund --silent "@duckdb/node-api@$duckdb_version"
  fi
}
