// Runs one SQL query in DuckDB (npm @duckdb/node-api) and prints how long it took and a
// checksum of its result, for bench/window_bench.sh:
//   seconds S          the query alone: CREATE TABLE result AS (query), CSV scan included
//   cpu_seconds C      the process's CPU time (user + system, every thread) during the query
//   rows N             result rows
//   sum(COLUMN) V      for every numeric column of the result
// and, on standard error, `threads T`: DuckDB's `threads` setting during the query.
// Usage: node bench/duckdb_query.mjs MODULES_DIR THREADS QUERY.sql [OUTPUT.csv]
//   MODULES_DIR: the folder whose node_modules holds @duckdb/node-api (kept outside the
//   repository); THREADS: DuckDB's `threads` setting (0: DuckDB's default, every core).
//   OUTPUT.csv: also write the result there as CSV with a header (bench/suite/suite.py checksums
//   every engine's CSV the same way); the sum lines are then left out, `rows` stays.
// Reading a CSV with `SELECT * FROM read_csv('PATH')` checksums another program's output the
// same way, so the two results are compared on equal terms.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, threads, queryFile, outputFile] = process.argv.slice(2);
if (!queryFile) {
  console.error('usage: node bench/duckdb_query.mjs MODULES_DIR THREADS QUERY.sql');
  process.exit(2);
}
const entry = createRequire(join(modulesDir, 'package.json')).resolve('@duckdb/node-api');
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const options = threads === '0' ? {} : { threads: String(threads) };
const instance = await DuckDBInstance.create(':memory:', options);
const connection = await instance.connect();
const threadsUsed = (await connection.runAndReadAll("SELECT current_setting('threads')::VARCHAR")).getRows()[0][0];
const query = readFileSync(queryFile, 'utf8').trim().replace(/;\s*$/, '');

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
await connection.run(`CREATE TABLE result AS (${query})`);
const cpu = process.cpuUsage(cpuStart);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

if (outputFile) {
  await connection.run(`COPY result TO '${outputFile.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`);
  const rows = (await connection.runAndReadAll('SELECT COUNT(*)::VARCHAR FROM result')).getRows()[0][0];
  console.log(`seconds ${seconds.toFixed(3)}`);
  console.log(`cpu_seconds ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
  console.log(`rows ${rows}`);
  console.error(`threads ${threadsUsed}`);
  process.exit(0);
}

const columns = (await connection.runAndReadAll('DESCRIBE result')).getRowObjects();
const numeric = columns.filter((c) => /INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(String(c.column_type)));
const sums = numeric.map((c) => `SUM("${c.column_name}")::VARCHAR`);
const row = (await connection.runAndReadAll(`SELECT COUNT(*)::VARCHAR${sums.map((s) => `, ${s}`).join('')} FROM result`)).getRows()[0];

console.log(`seconds ${seconds.toFixed(3)}`);
console.log(`cpu_seconds ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
console.log(`rows ${row[0]}`);
console.error(`threads ${threadsUsed}`);
numeric.forEach((c, i) => console.log(`sum(${c.column_name}) ${row[i + 1]}`));
