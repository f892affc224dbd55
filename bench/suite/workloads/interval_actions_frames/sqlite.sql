-- Interval join through an index on the frames' (robot_id, ts).
CREATE TABLE actions (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, step INTEGER NOT NULL,
                      dx REAL, dy REAL, dz REAL, gripper REAL);
CREATE TABLE policy_frames (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, cam_id INTEGER, frame_id INTEGER, exposure_us INTEGER);
.mode csv
.import --skip 1 {input:actions} actions
.import --skip 1 {input:policy_frames} policy_frames
CREATE INDEX policy_frames_time ON policy_frames (robot_id, ts);
.headers on
.output {output}
SELECT a.ts AS action_ts, a.robot_id, a.step, a.gripper,
       f.cam_id, f.frame_id, f.ts AS frame_ts,
       a.ts - f.ts AS frame_age
FROM actions a
JOIN policy_frames f
  ON f.robot_id = a.robot_id AND f.ts BETWEEN a.ts - 33000000 AND a.ts;
