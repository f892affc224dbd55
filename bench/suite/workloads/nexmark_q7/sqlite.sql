CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, date_time INTEGER);
.import --csv --skip 1 {input:bid} bid
.headers on
.mode csv
.output {output}
WITH max_prices AS (
  SELECT date_time - date_time % 10000000000 AS window_start, MAX(price) AS max_price
  FROM bid GROUP BY window_start)
SELECT b.auction, b.bidder, b.price, b.date_time, m.window_start + 10000000000 AS window_end
FROM bid b JOIN max_prices m
  ON b.date_time - b.date_time % 10000000000 = m.window_start AND b.price = m.max_price;
