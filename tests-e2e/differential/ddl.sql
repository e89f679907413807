-- DDL: CREATE / DROP TABLE and DATABASE, column types and attributes, as ORMs and migrations send them.
CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(100) NULL DEFAULT NULL,
  is_active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY users_email_uniq (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY);
CREATE TABLE `order` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `user_id` integer NOT NULL, `total` numeric(10, 2) NOT NULL, `note` longtext NULL);
CREATE TABLE t_types (
  a TINYINT, b SMALLINT, c MEDIUMINT, d INT, e BIGINT,
  f TINYINT UNSIGNED, g INT UNSIGNED, h BIGINT UNSIGNED,
  i DECIMAL(10,2), j FLOAT, k DOUBLE, l BOOLEAN,
  m CHAR(3), n VARCHAR(10), o TEXT, p MEDIUMTEXT,
  q DATE, r TIME, s DATETIME, t TIMESTAMP NULL, u YEAR,
  v ENUM('x','y','z'), w SET('a','b','c'), x JSON, y BLOB, z VARBINARY(8)
);
INSERT INTO t_types VALUES (-128, -32768, -8388608, -2147483648, -9223372036854775808, 255, 4294967295, 18446744073709551615, -12345678.99, 1.5, 2.25, TRUE, 'abc', 'hello', 'text', 'medium', '2024-02-29', '23:59:59', '2024-02-29 12:34:56', '2024-02-29 12:34:56', 2024, 'y', 'a,c', '[1]', 'blob', 'vb');
SELECT a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w FROM t_types;
SELECT HEX(y), HEX(z) FROM t_types;
INSERT INTO t_types (a, b, c, d, e) VALUES (127, 32767, 8388607, 2147483647, 9223372036854775807);
SELECT a, b, c, d, e FROM t_types ORDER BY e;
CREATE TABLE pk2 (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b));
INSERT INTO pk2 VALUES (1, 'x', 10), (1, 'y', 20), (2, 'x', 30);
INSERT INTO pk2 VALUES (1, 'x', 40);
SELECT * FROM pk2 ORDER BY a, b;
CREATE TABLE defaults (
  id INT AUTO_INCREMENT PRIMARY KEY,
  n INT DEFAULT 42,
  s VARCHAR(20) DEFAULT 'none',
  d DECIMAL(5,2) DEFAULT '1.50',
  dt DATETIME DEFAULT '2020-01-01 00:00:00',
  e ENUM('a','b') DEFAULT 'b',
  f DOUBLE DEFAULT (2 * 3),
  nn INT NOT NULL DEFAULT 0
);
INSERT INTO defaults () VALUES ();
INSERT INTO defaults (n) VALUES (NULL);
INSERT INTO defaults (id, s) VALUES (DEFAULT, DEFAULT);
SELECT * FROM defaults ORDER BY id;
CREATE TABLE bad_default (n INT DEFAULT 'abc');
-- @mysql8 {"error": 1101} MySQL allows only expression defaults, DEFAULT ('x'), on TEXT/BLOB/JSON columns (1101); MariaDB accepts a literal
CREATE TABLE bad_text_default (t TEXT DEFAULT 'x');
CREATE TABLE two_pk (a INT PRIMARY KEY, b INT PRIMARY KEY);
CREATE TABLE ai_not_key (a INT AUTO_INCREMENT, b INT);
CREATE TABLE dup_col (a INT, a INT);
CREATE TABLE no_cols ();
CREATE TABLE gen (
  id INT PRIMARY KEY,
  price DECIMAL(10,2) NOT NULL,
  qty INT NOT NULL,
  total DECIMAL(12,2) AS (price * qty) STORED,
  label VARCHAR(30) GENERATED ALWAYS AS (CONCAT('#', id)) VIRTUAL
);
INSERT INTO gen (id, price, qty) VALUES (1, 2.50, 4), (2, 10.00, 3);
SELECT * FROM gen ORDER BY id;
-- @mysql8 {"error": 3105} a value for a generated column is 3105 in MySQL; MariaDB's code is 1906
INSERT INTO gen (id, price, qty, total) VALUES (3, 1, 1, 5);
CREATE TABLE copy_like LIKE pk2;
SELECT COUNT(*) FROM copy_like;
INSERT INTO copy_like SELECT * FROM pk2;
CREATE TABLE copy_as AS SELECT a, b, v * 2 AS v2 FROM pk2 WHERE a = 1;
SELECT * FROM copy_as ORDER BY b;
CREATE TABLE copy_as2 SELECT a FROM pk2;
SELECT COUNT(*) FROM copy_as2;
CREATE TEMPORARY TABLE tmp1 (id INT PRIMARY KEY, v VARCHAR(5));
INSERT INTO tmp1 VALUES (1, 'a'), (2, 'b');
SELECT * FROM tmp1 ORDER BY id;
DROP TEMPORARY TABLE tmp1;
SELECT * FROM tmp1;
CREATE TABLE Mixed (Id INT);
INSERT INTO Mixed (ID) VALUES (1);
SELECT id, ID, iD FROM Mixed;
SELECT * FROM mixed;
CREATE TABLE mixed (x INT);
SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mixed';
SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Mixed';
INSERT INTO mixed VALUES (5);
SELECT * FROM mixed;
SELECT * FROM Mixed;
DROP TABLE mixed;
DROP TABLE Mixed;
CREATE TABLE `select` (`from` INT, `where` VARCHAR(5));
INSERT INTO `select` (`from`, `where`) VALUES (1, 'x');
SELECT `from`, `where` FROM `select`;
CREATE TABLE comments (id INT COMMENT 'the id', v VARCHAR(5) COMMENT 'value') COMMENT='a table';
-- @mysql8 {"error": 1059} a 65-character table name is ER_TOO_LONG_IDENT (1059) in MySQL; MariaDB says 1103 (Incorrect table name)
CREATE TABLE abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345 (a INT);
CREATE TABLE ok_64_abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefg (a INT);
DROP TABLE ok_64_abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefg;
TRUNCATE TABLE pk2;
SELECT COUNT(*) FROM pk2;
TRUNCATE pk2;
DROP TABLE nope;
DROP TABLE IF EXISTS nope;
DROP TABLE IF EXISTS copy_as, copy_as2, nope2;
SELECT * FROM copy_as;
CREATE DATABASE diff_ddl_other;
CREATE DATABASE diff_ddl_other;
CREATE DATABASE IF NOT EXISTS diff_ddl_other;
CREATE TABLE diff_ddl_other.t (id INT PRIMARY KEY);
INSERT INTO diff_ddl_other.t VALUES (1), (2);
SELECT COUNT(*) FROM diff_ddl_other.t;
DROP DATABASE diff_ddl_other;
DROP DATABASE diff_ddl_other;
DROP DATABASE IF EXISTS diff_ddl_other;
SELECT * FROM diff_ddl_other.t;
CREATE SCHEMA diff_ddl_s DEFAULT CHARACTER SET utf8mb4;
DROP SCHEMA diff_ddl_s;
DROP TABLE users, `order`;
SELECT * FROM users;
