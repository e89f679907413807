-- Aggregates: COUNT/SUM/AVG/MIN/MAX, GROUP BY, HAVING, GROUP_CONCAT, ROLLUP, ONLY_FULL_GROUP_BY.
CREATE TABLE sales (id INT PRIMARY KEY, region VARCHAR(10) NOT NULL, product VARCHAR(10) NOT NULL, qty INT NOT NULL, price DECIMAL(8,2) NOT NULL, sold DATE NOT NULL, rep VARCHAR(10) NULL);
INSERT INTO sales VALUES (1, 'north', 'apple', 10, 1.20, '2024-01-05', 'kim'), (2, 'north', 'pear', 5, 2.00, '2024-01-06', NULL), (3, 'south', 'apple', 7, 1.25, '2024-02-01', 'lee'), (4, 'south', 'plum', 3, 3.10, '2024-02-03', 'lee'), (5, 'east', 'apple', 12, 1.10, '2024-02-10', 'max'), (6, 'north', 'apple', 4, 1.30, '2024-03-01', 'kim'), (7, 'east', 'pear', 9, 1.95, '2024-03-15', NULL);
SELECT COUNT(*), COUNT(rep), COUNT(DISTINCT rep), COUNT(DISTINCT region, product) FROM sales;
SELECT SUM(qty), AVG(qty), MIN(qty), MAX(qty) FROM sales;
SELECT SUM(price), AVG(price), MIN(price), MAX(price) FROM sales;
SELECT SUM(qty * price) FROM sales;
SELECT MIN(sold), MAX(sold), MIN(product), MAX(product) FROM sales;
SELECT region, COUNT(*) FROM sales GROUP BY region;
SELECT region, COUNT(*) AS n, SUM(qty) AS q FROM sales GROUP BY region ORDER BY region;
SELECT region, product, SUM(qty) FROM sales GROUP BY region, product ORDER BY region, product;
SELECT region, SUM(qty) AS q FROM sales GROUP BY region HAVING q > 15 ORDER BY q DESC;
SELECT region, SUM(qty) FROM sales GROUP BY region HAVING SUM(qty) > 15 AND COUNT(*) > 1 ORDER BY region;
SELECT region, AVG(price) FROM sales GROUP BY region ORDER BY AVG(price) DESC;
SELECT product, COUNT(*) FROM sales WHERE sold >= '2024-02-01' GROUP BY product ORDER BY COUNT(*) DESC, product;
SELECT rep, COUNT(*) FROM sales GROUP BY rep ORDER BY rep;
SELECT YEAR(sold), MONTH(sold), SUM(qty) FROM sales GROUP BY YEAR(sold), MONTH(sold) ORDER BY 1, 2;
SELECT DATE_FORMAT(sold, '%Y-%m') AS ym, COUNT(*) FROM sales GROUP BY ym ORDER BY ym;
SELECT region, GROUP_CONCAT(product ORDER BY id) FROM sales GROUP BY region ORDER BY region;
SELECT region, GROUP_CONCAT(DISTINCT product ORDER BY product SEPARATOR '|') FROM sales GROUP BY region ORDER BY region;
SELECT GROUP_CONCAT(qty ORDER BY qty DESC) FROM sales;
SELECT GROUP_CONCAT(rep ORDER BY rep) FROM sales;
SELECT region, product, SUM(qty) FROM sales GROUP BY region, product WITH ROLLUP;
SELECT region, SUM(qty) FROM sales GROUP BY region WITH ROLLUP;
-- @mysql8 {"columns": ["region", "SUM(qty)", "GROUPING(region)"], "rows": [["east", "21", "0"], ["north", "19", "0"], ["south", "10", "0"], [null, "50", "1"]]} GROUPING() exists since MySQL 8.0.1; MariaDB 10.11 has no such function (1305)
SELECT region, SUM(qty), GROUPING(region) FROM sales GROUP BY region WITH ROLLUP;
SELECT COUNT(*), SUM(qty), AVG(qty), MAX(qty), GROUP_CONCAT(product) FROM sales WHERE qty > 100;
SELECT region, COUNT(*) FROM sales WHERE qty > 100 GROUP BY region;
SELECT BIT_AND(qty), BIT_OR(qty), BIT_XOR(qty) FROM sales;
SELECT ROUND(STDDEV_POP(qty), 4), ROUND(VAR_POP(qty), 4), ROUND(STDDEV_SAMP(qty), 4) FROM sales WHERE region = 'north';
SELECT SUM(DISTINCT qty), AVG(DISTINCT region = 'north') FROM sales;
SELECT COUNT(*) FROM sales GROUP BY region HAVING COUNT(*) = 3;
SELECT region, product FROM sales GROUP BY region;
SELECT region, qty FROM sales GROUP BY region;
-- @mysql8 {"columns": ["region", "ANY_VALUE(product)"], "rows": [["south", "apple"]]} ANY_VALUE() exists since MySQL 5.7; MariaDB 10.11 lacks it (1305)
SELECT region, ANY_VALUE(product) FROM sales WHERE region = 'south' AND qty = 7 GROUP BY region;
SELECT region FROM sales WHERE SUM(qty) > 1;
-- @mysql8 {"error": 1064} MySQL 8.0.13 removed ASC/DESC after GROUP BY (a syntax error); MariaDB still sorts the groups
SELECT region, SUM(qty) FROM sales GROUP BY region DESC;
-- @mysql8 {"rows": [["1", "north"], ["2", "north"]], "columns": ["id", "region"]} ONLY_FULL_GROUP_BY in MySQL accepts columns functionally dependent on a grouped PRIMARY KEY; MariaDB rejects them (1055)
SELECT id, region FROM sales GROUP BY id ORDER BY id LIMIT 2;
SELECT COUNT(*) AS c FROM sales HAVING c > 3;
SELECT MAX(qty) - MIN(qty), SUM(qty) / COUNT(*) FROM sales;
SELECT region, SUM(CASE WHEN product = 'apple' THEN qty ELSE 0 END) AS apples FROM sales GROUP BY region ORDER BY region;
SELECT COUNT(CASE WHEN rep IS NULL THEN 1 END) FROM sales;
SELECT AVG(qty) FROM sales WHERE region = 'east';
SELECT region, ROUND(AVG(qty), 1) FROM sales GROUP BY region ORDER BY region;
SELECT SUM(qty) FROM sales WHERE region = 'none';
SELECT (SELECT MAX(qty) FROM sales s2 WHERE s2.region = s1.region) AS m, region FROM sales s1 GROUP BY region ORDER BY region;
SELECT region, COUNT(*) FROM sales GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT product, SUM(qty) FROM sales GROUP BY product ORDER BY SUM(qty) DESC LIMIT 1;
SELECT COUNT(*) FROM (SELECT DISTINCT region FROM sales) d;
SELECT region, MAX(sold) FROM sales GROUP BY region ORDER BY MAX(sold);
