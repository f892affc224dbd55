WITH bid AS (
  SELECT * FROM read_csv('{input:bid}', header = true,
    columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'date_time': 'BIGINT'})),
max_prices AS (
  SELECT date_time - date_time % 10000000000 AS window_start, MAX(price) AS max_price
  FROM bid GROUP BY window_start)
SELECT b.auction, b.bidder, b.price, b.date_time, m.window_start + 10000000000 AS window_end
FROM bid b JOIN max_prices m
  ON b.date_time - b.date_time % 10000000000 = m.window_start AND b.price = m.max_price
