-- over_smoothing's batch query, then a 1 s TUMBLE per robot and joint over its rows.
WITH smoothed AS (
  SELECT ts, robot_id, joint,
         AVG(CAST(position AS DOUBLE)) OVER (PARTITION BY robot_id, joint ORDER BY ts
                                             ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS position_mean10,
         position - LAG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts) AS dposition
  FROM read_csv('{input:joints}', header = true, columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'joint': 'INTEGER', 'position': 'FLOAT', 'velocity': 'FLOAT', 'torque': 'FLOAT'}))
SELECT robot_id, joint, ts // 1000000000 * 1000000000 AS window_start, ts // 1000000000 * 1000000000 + 1000000000 AS window_end,
       COUNT(*) AS samples, MAX(position_mean10) AS most_mean10, MIN(dposition) AS least_dposition
FROM smoothed
GROUP BY robot_id, joint, ts // 1000000000
