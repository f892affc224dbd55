-- A scripted session: tests/repl/run_script_test.py pipes it into `vlac repl` (from a copy of
-- this folder) and compares everything printed with expected.txt.
CREATE STREAM camera (
  ts          TIMESTAMP NOT NULL,
  cam_id      INT32,
  frame_id    INT64,
  brightness  FLOAT32,
  objects     INT32,
  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND
);
.input camera=camera.csv

-- A filter.
SELECT ts, cam_id, brightness FROM camera WHERE brightness > 0.1;

-- A windowed query over several lines.
SELECT cam_id, window_start,
       COUNT(*) AS frames,      -- a comment; with a semicolon
       MAX(objects) AS max_objects
FROM TUMBLE(camera, ts, INTERVAL '1' SECOND)
GROUP BY cam_id, window_start, window_end;

-- A ';' in a string literal does not end the statement.
SELECT cam_id, 'a;b' AS label FROM camera WHERE frame_id = 3;

-- A mistake: the diagnostic points into the lines as typed.
SELECT cam_id,
       brightnes
FROM camera;

-- A derived stream is added, not run; a query reads it.
CREATE STREAM bright AS SELECT ts, cam_id, brightness FROM camera WHERE brightness >= 0.5;
SELECT cam_id, COUNT(*) AS n FROM bright GROUP BY cam_id;

.schema
.explain SELECT cam_id FROM camera WHERE objects > 2;
.limit 3
SELECT frame_id, objects FROM camera;
.limit 20
.nullvalue NULL
SELECT cam_id, objects FROM camera WHERE cam_id = 2;
.timestamps ns
.format csv
SELECT ts, cam_id FROM bright;
.format jsonl
SELECT ts, cam_id, brightness FROM bright WHERE cam_id = 1;
.format table
.timestamps iso
.load broken.vsql
.load stats.vsql
.input
.save saved.vsql
.bogus
.quit
SELECT 'not reached' AS s FROM camera;
