-- §1 as a batch query. SQLite keeps brightness as a double from its decimal text; the generator
-- never writes a value at the 0.05 threshold, so the filter keeps the rows vlac's FLOAT32 keeps.
CREATE TABLE camera (ts INTEGER NOT NULL, cam_id INTEGER, frame_id INTEGER, brightness REAL, objects INTEGER);
.mode csv
.import --skip 1 {input:camera} camera
UPDATE camera SET objects = NULL WHERE objects = '';
.headers on
.output {output}
SELECT cam_id, ts - ts % 1000000000 AS window_start, ts - ts % 1000000000 + 1000000000 AS window_end,
       COUNT(*) AS frames, AVG(brightness) AS mean_brightness, MAX(objects) AS max_objects
FROM camera
WHERE brightness > 0.05
GROUP BY cam_id, window_start;
