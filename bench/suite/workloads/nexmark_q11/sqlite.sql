CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, date_time INTEGER);
.import --csv --skip 1 {input:bid} bid
.headers on
.mode csv
.output {output}
WITH gaps AS (
  SELECT bidder, date_time,
         CASE WHEN date_time - LAG(date_time) OVER (PARTITION BY bidder ORDER BY date_time) < 10000000000
              THEN 0 ELSE 1 END AS starts_session
  FROM bid),
sessions AS (
  SELECT bidder, date_time,
         SUM(starts_session) OVER (PARTITION BY bidder ORDER BY date_time ROWS UNBOUNDED PRECEDING) AS session
  FROM gaps)
SELECT bidder, COUNT(*) AS bid_count, MIN(date_time) AS window_start, MAX(date_time) + 10000000000 AS window_end
FROM sessions GROUP BY bidder, session;
