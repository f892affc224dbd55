CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, date_time INTEGER);
.import --csv --skip 1 {input:bid} bid
.headers on
.mode csv
.output {output}
SELECT auction, bidder, price * 0.908 AS price, channel, date_time FROM bid;
