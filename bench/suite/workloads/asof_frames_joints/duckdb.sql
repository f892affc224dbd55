SELECT f.ts, f.robot_id, f.cam_id, f.frame_id,
       j.q1, j.q2, j.q3, j.q4, j.q5, j.q6, j.q7,
       f.ts - j.ts AS joint_age
FROM read_csv('{input:wrist_frames}', header = true, columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'cam_id': 'INTEGER', 'frame_id': 'BIGINT', 'exposure_us': 'INTEGER'}) f
ASOF LEFT JOIN read_csv('{input:joint_state}', header = true,
    columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'q1': 'FLOAT', 'q2': 'FLOAT', 'q3': 'FLOAT', 'q4': 'FLOAT',
               'q5': 'FLOAT', 'q6': 'FLOAT', 'q7': 'FLOAT'}) j
  ON f.robot_id = j.robot_id AND f.ts >= j.ts
