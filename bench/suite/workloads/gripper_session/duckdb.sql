-- SESSION(500 ms) as a batch query: a row starts a session when it is 500 ms or more after the
-- previous row of its robot; a running count of starts numbers the sessions (the default RANGE
-- frame counts rows with equal times together).
WITH contact AS (
  SELECT * FROM read_csv('{input:gripper_contact}', header = true,
    columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'finger': 'VARCHAR', 'force_n': 'FLOAT', 'slip': 'INTEGER'})),
starts AS (
  SELECT *, CASE WHEN ts - LAG(ts) OVER (PARTITION BY robot_id ORDER BY ts) < 500000000 THEN 0 ELSE 1 END AS starts
  FROM contact),
numbered AS (
  SELECT *, SUM(starts) OVER (PARTITION BY robot_id ORDER BY ts) AS session FROM starts)
SELECT robot_id, MIN(ts) AS window_start, MAX(ts) + 500000000 AS window_end,
       COUNT(*) AS contacts, MAX(force_n) AS peak_force_n, AVG(CAST(force_n AS DOUBLE)) AS mean_force_n,
       SUM(CASE WHEN slip <> 0 THEN 1 ELSE 0 END) AS slips
FROM numbered
GROUP BY robot_id, session
HAVING COUNT(*) >= 3
