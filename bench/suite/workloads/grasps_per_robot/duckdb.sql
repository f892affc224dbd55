-- gripper_session's batch query (a running count of session starts numbers the sessions), then
-- a 10 s TUMBLE per robot over each grasp's window_time (its end - 1 ns).
WITH contact AS (
  SELECT * FROM read_csv('{input:gripper_contact}', header = true,
    columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'finger': 'VARCHAR', 'force_n': 'FLOAT', 'slip': 'INTEGER'})),
starts AS (
  SELECT *, CASE WHEN ts - LAG(ts) OVER (PARTITION BY robot_id ORDER BY ts) < 500000000 THEN 0 ELSE 1 END AS starts
  FROM contact),
numbered AS (
  SELECT *, SUM(starts) OVER (PARTITION BY robot_id ORDER BY ts) AS session FROM starts),
grasps AS (
  SELECT robot_id, MAX(ts) + 500000000 - 1 AS window_time,
         COUNT(*) AS contacts, MAX(force_n) AS peak_force_n, SUM(CASE WHEN slip <> 0 THEN 1 ELSE 0 END) AS slips
  FROM numbered
  GROUP BY robot_id, session
  HAVING COUNT(*) >= 3)
SELECT robot_id, window_time // 10000000000 * 10000000000 AS window_start,
       window_time // 10000000000 * 10000000000 + 10000000000 AS window_end,
       COUNT(*) AS grasps, SUM(contacts) AS contacts, MAX(peak_force_n) AS peak_force_n, SUM(slips) AS slips
FROM grasps
GROUP BY robot_id, window_time // 10000000000
