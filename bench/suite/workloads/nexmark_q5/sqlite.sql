CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, date_time INTEGER);
.import --csv --skip 1 {input:bid} bid
.headers on
.mode csv
.output {output}
WITH slides(k) AS (VALUES (0), (1), (2), (3), (4)),
counts AS (
  SELECT auction, window_start, window_start + 10000000000 AS window_end, COUNT(*) AS num
  FROM (SELECT auction, date_time - date_time % 2000000000 - k * 2000000000 AS window_start
        FROM bid, slides)
  GROUP BY auction, window_start),
max_counts AS (SELECT window_start, MAX(num) AS max_num FROM counts GROUP BY window_start)
SELECT c.auction, c.window_start, c.window_end, c.num
FROM counts c JOIN max_counts m ON c.window_start = m.window_start AND c.num = m.max_num;
