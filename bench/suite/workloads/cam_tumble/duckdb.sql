-- §1 as a batch query: each row's one-second window from its timestamp (ns); brightness FLOAT32
-- compared and averaged in FLOAT64 as LANGUAGE.md says.
SELECT cam_id, window_start, window_start + 1000000000 AS window_end,
       COUNT(*) AS frames, AVG(CAST(brightness AS DOUBLE)) AS mean_brightness, MAX(objects) AS max_objects
FROM (SELECT *, ts - ts % 1000000000 AS window_start
      FROM read_csv('{input:camera}', header = true,
        columns = {'ts': 'BIGINT', 'cam_id': 'INTEGER', 'frame_id': 'BIGINT', 'brightness': 'FLOAT', 'objects': 'INTEGER'})
      WHERE CAST(brightness AS DOUBLE) > 0.05)
GROUP BY cam_id, window_start
