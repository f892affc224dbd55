SELECT ts, robot_id, joint, position,
       AVG(CAST(position AS DOUBLE)) OVER (PARTITION BY robot_id, joint ORDER BY ts
                                           ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS position_mean10,
       position - LAG(position) OVER (PARTITION BY robot_id, joint ORDER BY ts) AS dposition
FROM read_csv('{input:joints}', header = true, columns = {'ts': 'BIGINT', 'robot_id': 'INTEGER', 'joint': 'INTEGER', 'position': 'FLOAT', 'velocity': 'FLOAT', 'torque': 'FLOAT'})
