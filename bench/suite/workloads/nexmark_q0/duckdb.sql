WITH bid AS (
  SELECT * FROM read_csv('{input:bid}', header = true,
    columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'channel': 'VARCHAR', 'date_time': 'BIGINT'}))
SELECT auction, bidder, price, channel, date_time FROM bid
