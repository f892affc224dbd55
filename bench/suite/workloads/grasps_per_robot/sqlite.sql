-- grasps_per_robot as a batch query (see duckdb.sql).
CREATE TABLE gripper_contact (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, finger TEXT, force_n REAL, slip INTEGER);
.mode csv
.import --skip 1 {input:gripper_contact} gripper_contact
.headers on
.output {output}
WITH starts AS (
  SELECT *, CASE WHEN ts - LAG(ts) OVER (PARTITION BY robot_id ORDER BY ts) < 500000000 THEN 0 ELSE 1 END AS starts
  FROM gripper_contact),
numbered AS (
  SELECT *, SUM(starts) OVER (PARTITION BY robot_id ORDER BY ts) AS session FROM starts),
grasps AS (
  SELECT robot_id, MAX(ts) + 500000000 - 1 AS window_time,
         COUNT(*) AS contacts, MAX(force_n) AS peak_force_n, SUM(CASE WHEN slip <> 0 THEN 1 ELSE 0 END) AS slips
  FROM numbered
  GROUP BY robot_id, session
  HAVING COUNT(*) >= 3)
SELECT robot_id, window_time / 10000000000 * 10000000000 AS window_start,
       window_time / 10000000000 * 10000000000 + 10000000000 AS window_end,
       COUNT(*) AS grasps, SUM(contacts) AS contacts, MAX(peak_force_n) AS peak_force_n, SUM(slips) AS slips
FROM grasps
GROUP BY robot_id, window_time / 10000000000;
