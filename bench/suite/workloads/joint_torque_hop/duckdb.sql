-- HOP(50 ms, 200 ms) as a batch query: each row joined with range(4) to the starts of the four
-- windows it lies in.
SELECT robot_id, joint, window_start, window_start + 200000000 AS window_end,
       COUNT(*) AS samples, AVG(CAST(torque AS DOUBLE)) AS mean_torque,
       MIN(torque) AS min_torque, MAX(torque) AS max_torque
FROM (SELECT *, ts - ts % 50000000 - k * 50000000 AS window_start
      FROM read_csv('{input:joints}', header = true, columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'joint': 'INTEGER', 'position': 'FLOAT', 'velocity': 'FLOAT', 'torque': 'FLOAT'}), range(4) AS slides(k))
GROUP BY robot_id, joint, window_start
