-- Indexes: CREATE / DROP INDEX, unique and composite keys, prefixes, NULLs in unique keys, key limits.
CREATE TABLE person (id INT PRIMARY KEY, email VARCHAR(100), first VARCHAR(30), last VARCHAR(30), age INT, bio TEXT);
INSERT INTO person VALUES (1, 'a@x', 'ann', 'lee', 30, 'likes databases'), (2, 'b@x', 'bob', 'lee', 25, 'writes code'), (3, NULL, 'cy', 'ng', 40, NULL), (4, NULL, 'di', 'ng', 25, 'database admin');
CREATE INDEX person_age ON person (age);
CREATE UNIQUE INDEX person_email ON person (email);
INSERT INTO person VALUES (5, 'a@x', 'x', 'y', 1, NULL);
INSERT INTO person VALUES (5, NULL, 'eve', 'ok', 22, NULL);
CREATE INDEX person_name ON person (last, first);
CREATE INDEX person_age ON person (first);
-- @mysql8 {"error": 1170} MySQL needs a prefix length for a TEXT key part (1170); MariaDB indexes a 768-character prefix
CREATE INDEX person_bio ON person (bio);
-- @mysql8 {"affected": 0} the unprefixed person_bio above failed in MySQL, so this one succeeds
CREATE INDEX person_bio ON person (bio(20));
CREATE UNIQUE INDEX person_last ON person (last);
CREATE INDEX person_nope ON person (nope);
CREATE INDEX person_desc ON person (age DESC, id);
SELECT id FROM person WHERE age = 25 ORDER BY id;
SELECT first FROM person WHERE last = 'lee' AND first > 'a' ORDER BY first;
SELECT id FROM person WHERE email IS NULL ORDER BY id;
SELECT id, age FROM person ORDER BY age DESC, id;
SELECT id FROM person FORCE INDEX (person_age) WHERE age > 20 ORDER BY id;
SELECT id FROM person USE INDEX (person_name) WHERE last = 'ng' ORDER BY id;
SELECT id FROM person IGNORE INDEX (PRIMARY) WHERE id = 2;
SELECT id FROM person FORCE INDEX (nope) WHERE id = 2;
DROP INDEX person_age ON person;
DROP INDEX person_age ON person;
ALTER TABLE person DROP INDEX person_name, ADD INDEX person_last_first (last, first);
-- @mysql8 {"rows": [["person_bio", "1", "bio", "20", "1"], ["person_desc", "1", "age", null, "1"], ["person_desc", "2", "id", null, "1"], ["person_email", "1", "email", null, "0"], ["person_last_first", "1", "last", null, "1"], ["person_last_first", "2", "first", null, "1"], ["PRIMARY", "1", "id", null, "0"]]} person_bio is the 20-character prefix index in MySQL (see above)
SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'person' ORDER BY INDEX_NAME, SEQ_IN_INDEX;
SELECT COLLATION FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'person' AND INDEX_NAME = 'person_desc' ORDER BY SEQ_IN_INDEX;
CREATE TABLE uq2 (a INT, b INT, c INT, UNIQUE KEY uq_ab (a, b));
INSERT INTO uq2 VALUES (1, 1, 1), (1, 2, 2), (1, NULL, 3), (1, NULL, 4);
INSERT INTO uq2 VALUES (1, 1, 5);
SELECT COUNT(*) FROM uq2;
INSERT INTO uq2 VALUES (2, 2, 2) ON DUPLICATE KEY UPDATE c = 9;
INSERT INTO uq2 VALUES (1, 2, 0) ON DUPLICATE KEY UPDATE c = c * 10;
SELECT a, b, c FROM uq2 ORDER BY a, b, c;
-- @mysql8 {"error": 1071} InnoDB keys are at most 3072 bytes in MySQL (800 utf8mb4 characters are 3200); MariaDB accepts it
CREATE TABLE longkey (v VARCHAR(800), KEY (v));
CREATE TABLE longkey2 (v VARCHAR(768), KEY (v));
-- @mysql8 {"error": 1070} MySQL allows at most 16 key parts (1070); MariaDB 32
CREATE TABLE manycols (a INT, b INT, c INT, d INT, e INT, f INT, g INT, h INT, i INT, j INT, k INT, l INT, m INT, n INT, o INT, p INT, q INT, KEY (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q));
-- @mysql8 {"affected": 0} functional key parts ((expr)) exist since MySQL 8.0.13; MariaDB has none (1064)
CREATE TABLE expr_idx (id INT PRIMARY KEY, name VARCHAR(20), KEY name_lower ((LOWER(name))));
-- @mysql8 {"affected": 0} INVISIBLE indexes are MySQL 8.0 syntax; MariaDB calls them IGNORED (1064)
CREATE TABLE inv (id INT PRIMARY KEY, v INT, KEY v_idx (v) INVISIBLE);
CREATE TABLE ft (id INT PRIMARY KEY, body TEXT, FULLTEXT KEY ft_body (body));
INSERT INTO ft VALUES (1, 'MySQL databases are relational'), (2, 'Rewind emulates Aurora'), (3, 'relational algebra for databases');
SELECT id FROM ft WHERE MATCH(body) AGAINST ('+relational +databases' IN BOOLEAN MODE) ORDER BY id;
SELECT id FROM ft WHERE MATCH(body) AGAINST ('aurora' IN BOOLEAN MODE);
CREATE TABLE dupkey (a INT, KEY k (a), KEY k (a));
CREATE TABLE autokey (a INT, b INT, KEY (a), KEY (a, b), UNIQUE (b));
SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'autokey' ORDER BY INDEX_NAME, SEQ_IN_INDEX;
ANALYZE TABLE person;
OPTIMIZE TABLE uq2;
CHECK TABLE uq2;
