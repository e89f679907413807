-- SHOW and DESCRIBE, and the session queries drivers and ORMs send on connect.
CREATE TABLE item (id INT NOT NULL AUTO_INCREMENT, sku VARCHAR(20) NOT NULL, qty INT NOT NULL DEFAULT 0, price DECIMAL(8,2) NULL, note TEXT, PRIMARY KEY (id), UNIQUE KEY item_sku (sku), KEY item_qty (qty));
CREATE TABLE tag (name VARCHAR(30) PRIMARY KEY, created DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE VIEW item_skus AS SELECT sku FROM item;
SHOW TABLES;
SHOW FULL TABLES;
SHOW TABLES LIKE 'it%';
SHOW FULL TABLES WHERE Table_type = 'VIEW';
-- @mysql8 {"rows": [["id", "int", "NO", "PRI", null, "auto_increment"], ["sku", "varchar(20)", "NO", "UNI", null, ""], ["qty", "int", "NO", "MUL", "0", ""], ["price", "decimal(8,2)", "YES", "", null, ""], ["note", "text", "YES", "", null, ""]]} MySQL 8.0.19+ prints integer types without a display width (int, not int(11))
SHOW COLUMNS FROM item;
-- @mysql8 {"rows": [["name", "varchar(30)", "utf8mb4_0900_ai_ci", "NO", "PRI", null, "", "select,insert,update,references", ""], ["created", "datetime", null, "YES", "", "CURRENT_TIMESTAMP", "DEFAULT_GENERATED", "select,insert,update,references", ""]]} MySQL 8.0 shows the default as CURRENT_TIMESTAMP with Extra DEFAULT_GENERATED (MariaDB: current_timestamp()), and its collation is utf8mb4_0900_ai_ci
SHOW FULL COLUMNS FROM tag;
-- @mysql8 {"rows": [["id", "int", "NO", "PRI", null, "auto_increment"], ["sku", "varchar(20)", "NO", "UNI", null, ""], ["qty", "int", "NO", "MUL", "0", ""], ["price", "decimal(8,2)", "YES", "", null, ""], ["note", "text", "YES", "", null, ""]]} MySQL 8.0.19+ prints integer types without a display width (int, not int(11))
DESCRIBE item;
-- @mysql8 {"rows": [["name", "varchar(30)", "NO", "PRI", null, ""], ["created", "datetime", "YES", "", "CURRENT_TIMESTAMP", "DEFAULT_GENERATED"]]} MySQL 8.0 shows the default as CURRENT_TIMESTAMP with Extra DEFAULT_GENERATED; MariaDB as current_timestamp()
DESC tag;
-- @mysql8 {"rows": [["qty", "int", "NO", "MUL", "0", ""]]} MySQL 8.0.19+ prints integer types without a display width (int, not int(11))
SHOW COLUMNS FROM item LIKE 'q%';
SHOW FIELDS FROM item WHERE Field = 'sku';
-- @mysql8 {"columns": ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"], "rows": [["item", "0", "PRIMARY", "1", "id", "A", "0", null, null, "", "BTREE", "", "", "YES", null], ["item", "0", "item_sku", "1", "sku", "A", "0", null, null, "", "BTREE", "", "", "YES", null], ["item", "1", "item_qty", "1", "qty", "A", "0", null, null, "", "BTREE", "", "", "YES", null]]} MySQL 8.0's SHOW INDEX ends with Visible and Expression; MariaDB's with Ignored
SHOW INDEX FROM item;
-- @mysql8 {"columns": ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"], "rows": [["tag", "0", "PRIMARY", "1", "name", "A", "0", null, null, "", "BTREE", "", "", "YES", null]]} MySQL 8.0's SHOW INDEX ends with Visible and Expression; MariaDB's with Ignored
SHOW KEYS FROM tag;
-- @mysql8 {"rows": [["item", "CREATE TABLE `item` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `sku` varchar(20) NOT NULL,\n  `qty` int NOT NULL DEFAULT '0',\n  `price` decimal(8,2) DEFAULT NULL,\n  `note` text,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `item_sku` (`sku`),\n  KEY `item_qty` (`qty`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"]]} MySQL 8.0 formatting: int without width, quoted numeric defaults ('0'), no DEFAULT NULL on TEXT, COLLATE=utf8mb4_0900_ai_ci
SHOW CREATE TABLE item;
-- @mysql8 {"rows": [["tag", "CREATE TABLE `tag` (\n  `name` varchar(30) NOT NULL,\n  `created` datetime DEFAULT CURRENT_TIMESTAMP,\n  PRIMARY KEY (`name`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"]]} MySQL 8.0 formatting: DEFAULT CURRENT_TIMESTAMP (MariaDB current_timestamp()), COLLATE=utf8mb4_0900_ai_ci
SHOW CREATE TABLE tag;
SHOW CREATE TABLE nope;
SHOW COLUMNS FROM nope;
SHOW DATABASES LIKE 'diff_show';
-- @mysql8 {"rows": [["diff_show", "CREATE DATABASE `diff_show` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */"]]} MySQL 8.0.16+ adds the DEFAULT ENCRYPTION comment; the collation is utf8mb4_0900_ai_ci
SHOW CREATE DATABASE diff_show;
SHOW VARIABLES LIKE 'sql_mode';
SHOW VARIABLES LIKE 'lower_case_table_names';
SHOW SESSION VARIABLES LIKE 'autocommit';
SHOW VARIABLES LIKE 'character_set_server';
-- @mysql8 {"rows": [["collation_server", "utf8mb4_0900_ai_ci"]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci)
SHOW VARIABLES LIKE 'collation_server';
SHOW VARIABLES WHERE Variable_name IN ('character_set_client', 'character_set_connection', 'character_set_results');
SHOW VARIABLES LIKE 'nope_nope';
SHOW GLOBAL VARIABLES LIKE 'explicit_defaults_for_timestamp';
SELECT DATABASE();
SELECT @@sql_mode;
SELECT @@SESSION.sql_mode;
SELECT @@lower_case_table_names, @@autocommit, @@auto_increment_increment, @@auto_increment_offset;
SELECT @@character_set_client, @@character_set_connection, @@character_set_results, @@character_set_database, @@character_set_server;
-- @mysql8 {"rows": [["utf8mb4_0900_ai_ci", "utf8mb4_0900_ai_ci", "utf8mb4_0900_ai_ci"]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci); SET NAMES utf8mb4 gives it on MySQL 8.0
SELECT @@collation_connection, @@collation_database, @@collation_server;
-- @mysql8 {"columns": ["@@transaction_isolation", "@@session.transaction_read_only"], "rows": [["REPEATABLE-READ", "0"]]} transaction_isolation / transaction_read_only replaced tx_isolation / tx_read_only in MySQL 8.0; MariaDB 10.11 lacks them (1193)
SELECT @@transaction_isolation, @@session.transaction_read_only;
-- @mysql8 {"error": 1193} tx_isolation was removed in MySQL 8.0.3
SELECT @@tx_isolation;
SELECT @@SQL_AUTO_IS_NULL, @@sql_safe_updates, @@foreign_key_checks, @@unique_checks;
SELECT @@group_concat_max_len, @@div_precision_increment, @@max_allowed_packet, @@default_storage_engine;
SELECT @@innodb_lock_wait_timeout, @@explicit_defaults_for_timestamp;
SELECT @@nope;
SELECT CAST('test plain returns' AS CHAR(60)) AS anon_1;
SELECT CAST('test unicode returns' AS CHAR(60)) AS anon_1;
SET NAMES utf8mb4;
SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci';
SELECT @@collation_connection;
-- @mysql8 {"affected": 0} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci) (1273 there)
SET NAMES utf8mb4 COLLATE utf8mb4_0900_ai_ci;
SELECT @@character_set_client;
SET character_set_results = NULL;
SET NAMES utf8mb4;
SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES');
SELECT @@sql_mode;
SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
SET @@session.autocommit = 1;
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
-- @mysql8 {"columns": ["@@transaction_isolation"], "rows": [["READ-COMMITTED"]]} transaction_isolation replaced tx_isolation in MySQL 8.0; MariaDB 10.11 lacks it (1193)
SELECT @@transaction_isolation;
SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SET @x = 5, @y = 'str';
SELECT @x, @y, @x + 1, @unset;
INSERT INTO item (sku, qty) VALUES ('a', 1), ('b', 2);
SET @n := 0;
SELECT @n := @n + 1 AS n, sku FROM item ORDER BY id;
SET time_zone = '+00:00';
SET SESSION wait_timeout = 28800;
SET sql_select_limit = DEFAULT;
SET nope_var = 1;
SHOW WARNINGS;
SELECT CONNECTION_ID() > 0, USER() LIKE 'admin@%', CURRENT_USER() LIKE 'admin@%', LENGTH(UUID()), SCHEMA() = DATABASE();
-- @mysql8 {"rows": [["1"]]} Rewind is Aurora MySQL 3, a MySQL 8.0 (VERSION() 8.0.x); MariaDB says 10.11
SELECT VERSION() LIKE '8.0%';
USE nope_db;
SELECT DATABASE();
