CREATE TABLE joints (ts INTEGER NOT NULL, robot_id INTEGER NOT NULL, joint INTEGER NOT NULL,
                     position REAL, velocity REAL, torque REAL);
.mode csv
.import --skip 1 {input:joints} joints
.headers on
.output {output}
SELECT ts, robot_id, joint, position,
       AVG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts
                           ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS position_mean10,
       position - LAG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts) AS dposition
FROM joints;
