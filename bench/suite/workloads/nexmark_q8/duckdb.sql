WITH person AS (
  SELECT * FROM read_csv('{input:person}', header = true,
    columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'email_address': 'VARCHAR', 'credit_card': 'VARCHAR', 'city': 'VARCHAR', 'state': 'VARCHAR', 'date_time': 'BIGINT'})),
auction AS (
  SELECT * FROM read_csv('{input:auction}', header = true,
    columns = {'id': 'BIGINT', 'item_name': 'VARCHAR', 'description': 'VARCHAR', 'initial_bid': 'BIGINT', 'reserve': 'BIGINT', 'date_time': 'BIGINT', 'expires': 'BIGINT', 'seller': 'BIGINT', 'category': 'BIGINT'})),
new_persons AS (
  SELECT DISTINCT id, name, date_time - date_time % 10000000000 AS window_start FROM person),
sellers AS (
  SELECT DISTINCT seller, date_time - date_time % 10000000000 AS window_start FROM auction)
SELECT p.id, p.name, p.window_start
FROM new_persons p JOIN sellers s ON p.id = s.seller AND p.window_start = s.window_start
