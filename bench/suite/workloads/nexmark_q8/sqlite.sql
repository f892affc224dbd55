CREATE TABLE person (id INTEGER, name TEXT, email_address TEXT, credit_card TEXT, city TEXT, state TEXT, date_time INTEGER);
.import --csv --skip 1 {input:person} person
CREATE TABLE auction (id INTEGER, item_name TEXT, description TEXT, initial_bid INTEGER, reserve INTEGER, date_time INTEGER, expires INTEGER, seller INTEGER, category INTEGER);
.import --csv --skip 1 {input:auction} auction
.headers on
.mode csv
.output {output}
WITH new_persons AS (
  SELECT DISTINCT id, name, date_time - date_time % 10000000000 AS window_start FROM person),
sellers AS (
  SELECT DISTINCT seller, date_time - date_time % 10000000000 AS window_start FROM auction)
SELECT p.id, p.name, p.window_start
FROM new_persons p JOIN sellers s ON p.id = s.seller AND p.window_start = s.window_start;
