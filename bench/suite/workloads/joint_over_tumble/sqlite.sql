-- joint_over_tumble as a batch query (see duckdb.sql).
CREATE TABLE joints (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, joint INTEGER NOT NULL,
                     position REAL, velocity REAL, torque REAL);
.mode csv
.import --skip 1 {input:joints} joints
.headers on
.output {output}
WITH smoothed AS (
  SELECT ts, robot_id, joint,
         AVG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts
                             ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS position_mean10,
         position - LAG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts) AS dposition
  FROM joints)
SELECT robot_id, joint, ts / 1000000000 * 1000000000 AS window_start, ts / 1000000000 * 1000000000 + 1000000000 AS window_end,
       COUNT(*) AS samples, MAX(position_mean10) AS most_mean10, MIN(dposition) AS least_dposition
FROM smoothed
GROUP BY robot_id, joint, ts / 1000000000;
