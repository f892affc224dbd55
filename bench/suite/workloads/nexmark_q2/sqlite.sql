CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, date_time INTEGER);
.import --csv --skip 1 {input:bid} bid
.headers on
.mode csv
.output {output}
SELECT auction, price FROM bid WHERE auction % 123 = 0;
