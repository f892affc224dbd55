-- As-of join: each frame with its robot's latest joint sample at or before it, found through an
-- index on (robot_id, ts) (joint times are distinct per robot).
CREATE TABLE wrist_frames (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, cam_id INTEGER, frame_id INTEGER, exposure_us INTEGER);
CREATE TABLE joint_state (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL,
                          q1 REAL, q2 REAL, q3 REAL, q4 REAL, q5 REAL, q6 REAL, q7 REAL);
.mode csv
.import --skip 1 {input:wrist_frames} wrist_frames
.import --skip 1 {input:joint_state} joint_state
CREATE INDEX joint_state_time ON joint_state (robot_id, ts);
.headers on
.output {output}
SELECT f.ts, f.robot_id, f.cam_id, f.frame_id,
       j.q1, j.q2, j.q3, j.q4, j.q5, j.q6, j.q7,
       f.ts - j.ts AS joint_age
FROM wrist_frames f
LEFT JOIN joint_state j
  ON j.robot_id = f.robot_id
 AND j.ts = (SELECT MAX(ts) FROM joint_state j2 WHERE j2.robot_id = f.robot_id AND j2.ts <= f.ts);
