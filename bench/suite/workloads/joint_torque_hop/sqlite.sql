-- HOP(50 ms, 200 ms) as a batch query: each row joined with the four slides of its windows.
CREATE TABLE joints (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, joint INTEGER NOT NULL,
                     position REAL, velocity REAL, torque REAL);
CREATE TABLE slides (k INTEGER);
INSERT INTO slides VALUES (0), (1), (2), (3);
.mode csv
.import --skip 1 {input:joints} joints
.headers on
.output {output}
SELECT robot_id, joint, ts - ts % 50000000 - k * 50000000 AS window_start,
       ts - ts % 50000000 - k * 50000000 + 200000000 AS window_end,
       COUNT(*) AS samples, AVG(torque) AS mean_torque, MIN(torque) AS min_torque, MAX(torque) AS max_torque
FROM joints, slides
GROUP BY robot_id, joint, window_start;
