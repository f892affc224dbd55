-- The interval join with an equi-join on 33 ms time buckets as well as robot_id: DuckDB plans the
-- plain BETWEEN join as a hash join on robot_id with the time bounds checked on every pair of a
-- robot (quadratic: 6.8 s at 200,000 rows). A frame lies in one bucket, and a frame within
-- [a.ts - 33 ms, a.ts] in the action's bucket or the one before, so each pair is found once.
WITH actions AS (
  SELECT *, UNNEST([ts // 33000000 - 1, ts // 33000000]) AS bucket
  FROM read_csv('{input:actions}', header = true,
    columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'step': 'BIGINT', 'dx': 'FLOAT', 'dy': 'FLOAT', 'dz': 'FLOAT',
               'gripper': 'FLOAT'})),
frames AS (
  SELECT *, ts // 33000000 AS bucket FROM read_csv('{input:policy_frames}', header = true, columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'cam_id': 'INTEGER', 'frame_id': 'BIGINT', 'exposure_us': 'INTEGER'}))
SELECT a.ts AS action_ts, a.robot_id, a.step, a.gripper,
       f.cam_id, f.frame_id, f.ts AS frame_ts,
       a.ts - f.ts AS frame_age
FROM actions a
JOIN frames f
  ON a.robot_id = f.robot_id AND a.bucket = f.bucket AND f.ts BETWEEN a.ts - 33000000 AND a.ts
