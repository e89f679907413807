-- Collations: MySQL 8.0's default utf8mb4_0900_ai_ci (case- and accent-insensitive, NO PAD), _bin, ordering, unique keys.
CREATE TABLE c (id INT PRIMARY KEY, s VARCHAR(20), sb VARCHAR(20) COLLATE utf8mb4_bin, sc CHAR(5));
INSERT INTO c VALUES (1, 'apple', 'apple', 'a'), (2, 'Apple', 'Apple', 'b'), (3, 'APPLE', 'APPLE', 'c'), (4, 'banana', 'banana', 'd'), (5, 'Éclair', 'Éclair', 'e'), (6, 'eclair', 'eclair', 'f'), (7, 'zebra', 'zebra', 'g'), (8, 'Zoo', 'Zoo', 'h');
SELECT 'a' = 'A', 'a' = 'á', 'e' = 'É', 'a' < 'B', 'Z' > 'a', 'abc' = 'ABC';
SELECT 'a' = 'A' COLLATE utf8mb4_bin, 'a' = BINARY 'a', BINARY 'a' = 'A', 'a' COLLATE utf8mb4_general_ci = 'A';
SELECT id FROM c WHERE s = 'apple' ORDER BY id;
SELECT id FROM c WHERE sb = 'apple';
SELECT id FROM c WHERE s = 'eclair' ORDER BY id;
SELECT id FROM c WHERE s LIKE 'app%' ORDER BY id;
SELECT id FROM c WHERE sb LIKE 'app%';
SELECT id FROM c WHERE s LIKE '%CLAIR' ORDER BY id;
SELECT id FROM c WHERE s IN ('APPLE', 'ZOO') ORDER BY id;
SELECT id FROM c WHERE BINARY s = 'Apple';
SELECT id FROM c WHERE s COLLATE utf8mb4_bin = 'Zoo';
SELECT sb FROM c ORDER BY sb;
SELECT s FROM c WHERE id IN (4, 7, 8) ORDER BY s;
SELECT s FROM c WHERE id IN (1, 4, 7, 8) ORDER BY s DESC;
SELECT COUNT(DISTINCT s), COUNT(DISTINCT sb) FROM c;
SELECT MIN(id), COUNT(*) FROM c GROUP BY s ORDER BY MIN(id);
SELECT sb, COUNT(*) FROM c GROUP BY sb ORDER BY sb;
SELECT MIN(sb), MAX(sb) FROM c;
SELECT MAX(s) FROM c WHERE id IN (4, 7);
SELECT id FROM c WHERE s > 'b' AND s < 'y' ORDER BY id;
SELECT id FROM c WHERE sb > 'a' ORDER BY id;
SELECT s FROM c WHERE id = 1 UNION SELECT s FROM c WHERE id = 2;
SELECT DISTINCT sb FROM c WHERE id < 4;
SELECT id FROM c WHERE sc = 'a';
SELECT CONCAT('[', sc, ']'), LENGTH(sc) FROM c WHERE id = 1;
CREATE TABLE u (name VARCHAR(20) PRIMARY KEY);
INSERT INTO u VALUES ('alice');
INSERT INTO u VALUES ('ALICE');
INSERT INTO u VALUES ('Alicé');
INSERT INTO u VALUES ('bob'), ('carol');
SELECT name FROM u WHERE name = 'BOB';
CREATE TABLE ub (name VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY);
INSERT INTO ub VALUES ('alice'), ('ALICE'), ('Alice');
SELECT name FROM ub ORDER BY name;
SELECT name FROM ub WHERE name = 'alice';
SELECT CHARSET('abc'), CHARSET(s), COLLATION(sb) FROM c WHERE id = 1;
-- @mysql8 {"rows": [["utf8mb4_0900_ai_ci", "utf8mb4_0900_ai_ci"]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci)
SELECT COLLATION('abc'), COLLATION(s) FROM c WHERE id = 1;
-- @mysql8 {"rows": [["0", "0", "0"]]} utf8mb4_0900_ai_ci is NO PAD (trailing spaces count); MariaDB's uca1400_ai_ci is PAD SPACE
SELECT 'abc' = 'abc ', 'abc ' = 'abc', 'abc' LIKE 'abc ';
CREATE TABLE pad (v VARCHAR(10) PRIMARY KEY);
-- @mysql8 {"affected": 2, "insert_id": 0} utf8mb4_0900_ai_ci is NO PAD (trailing spaces count); MariaDB's uca1400_ai_ci is PAD SPACE: 'x' and 'x ' are different keys
INSERT INTO pad VALUES ('x'), ('x ');
-- @mysql8 {"rows": [["2"]]} follows from the NO PAD insert above
SELECT COUNT(*) FROM pad;
-- @mysql8 {"rows": [["[x]"]]} utf8mb4_0900_ai_ci is NO PAD (trailing spaces count); MariaDB's uca1400_ai_ci is PAD SPACE: only 'x' equals 'x'
SELECT CONCAT('[', v, ']') FROM pad WHERE v = 'x';
SELECT '😀' = '😁' AS smileys, '😀' = '😀' AS same, 'ß' = 'ss' AS eszett;
CREATE TABLE ci_general (v VARCHAR(10) COLLATE utf8mb4_general_ci);
INSERT INTO ci_general VALUES ('a'), ('A'), ('b');
SELECT COUNT(DISTINCT v) FROM ci_general;
SELECT v FROM ci_general WHERE v = 'a' COLLATE utf8mb4_bin;
SELECT UPPER(sb), LOWER(sb) FROM c WHERE id = 5;
SELECT s FROM c WHERE s = 'Apple' COLLATE utf8mb4_unicode_ci ORDER BY id;
SELECT id FROM c ORDER BY s COLLATE utf8mb4_bin, id;
SELECT id FROM c WHERE s = sb COLLATE utf8mb4_general_ci ORDER BY id;
