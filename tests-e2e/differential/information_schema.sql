-- information_schema as ORMs' introspection reads it (Django, SQLAlchemy, Rails, Alembic).
CREATE TABLE author (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80) NOT NULL, bio TEXT NULL, rating DECIMAL(3,1) DEFAULT NULL, active TINYINT(1) NOT NULL DEFAULT 1, UNIQUE KEY author_name_uniq (name)) COMMENT='people who write';
CREATE TABLE book (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, author_id INT NOT NULL, title VARCHAR(200) NOT NULL, published DATE NULL, price DECIMAL(8,2) NOT NULL DEFAULT 0.00, kind ENUM('paper','ebook') NOT NULL DEFAULT 'paper', PRIMARY KEY (id), KEY book_title_idx (title), KEY book_author_pub (author_id, published), CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE);
CREATE VIEW book_titles AS SELECT id, title FROM book;
SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME;
-- @mysql8 {"columns": ["TABLE_NAME", "TABLE_TYPE"], "rows": [["author", "BASE TABLE"], ["book", "BASE TABLE"], ["book_titles", "VIEW"]]} MySQL 8.0's information_schema tables are views over the data dictionary: unaliased columns come back with the view's upper-case names, whatever case the query used
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name;
SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COMMENT AS comment FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME;
-- @mysql8 {"rows": [["utf8mb4_0900_ai_ci"]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci)
SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author';
SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book';
SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nope';
SELECT COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY ORDINAL_POSITION;
SELECT COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' ORDER BY ORDINAL_POSITION;
-- @mysql8 {"rows": [["id", "bigint unsigned", "PRI", "auto_increment"], ["author_id", "int", "MUL", ""], ["title", "varchar(200)", "MUL", ""], ["published", "date", "", ""], ["price", "decimal(8,2)", "", ""], ["kind", "enum('paper','ebook')", "", ""]]} MySQL 8.0.19+ prints integer types without a display width (int, not int(11))
SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' ORDER BY ORDINAL_POSITION;
-- @mysql8 {"rows": [["id", null], ["name", null], ["bio", null], ["rating", null], ["active", "1"]]} MySQL reports a NULL default as SQL NULL; MariaDB 10.2.7+ reports the string 'NULL'
SELECT COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY ORDINAL_POSITION;
-- @mysql8 {"rows": [["id", null, null], ["name", "utf8mb4", "utf8mb4_0900_ai_ci"], ["bio", "utf8mb4", "utf8mb4_0900_ai_ci"], ["rating", null, null], ["active", null, null]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci)
SELECT COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY ORDINAL_POSITION;
-- @mysql8 {"columns": ["COLUMN_NAME", "DATA_TYPE"], "rows": [["id", "bigint"], ["title", "varchar"]]} MySQL 8.0's information_schema tables are views over the data dictionary: unaliased columns come back with the view's upper-case names, whatever case the query used
SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'book_titles' ORDER BY ordinal_position;
SELECT COLUMN_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' AND COLUMN_NAME = 'id';
SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' ORDER BY INDEX_NAME, SEQ_IN_INDEX;
SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY INDEX_NAME;
SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' ORDER BY CONSTRAINT_NAME;
SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY CONSTRAINT_NAME;
SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION;
SELECT kcu.COLUMN_NAME, kcu.REFERENCED_TABLE_NAME, kcu.REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE kcu WHERE kcu.TABLE_SCHEMA = DATABASE() AND kcu.TABLE_NAME = 'book' AND kcu.REFERENCED_TABLE_NAME IS NOT NULL;
SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE();
SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE();
-- @mysql8 {"rows": [["utf8mb4_0900_ai_ci"]]} MySQL 8.0's default utf8mb4 collation is utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks (the suite runs it with utf8mb4_uca1400_ai_ci)
SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE();
SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('information_schema', 'mysql', 'performance_schema');
SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE();
SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'title' ORDER BY TABLE_NAME;
-- @mysql8 {"columns": ["ENGINE"], "rows": [["InnoDB"]]} MySQL 8.0's information_schema tables are views over the data dictionary: unaliased columns come back with the view's upper-case names, whatever case the query used
SELECT engine FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'author';
SELECT t.TABLE_NAME, COUNT(c.COLUMN_NAME) AS n FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = DATABASE() GROUP BY t.TABLE_NAME ORDER BY t.TABLE_NAME;
ALTER TABLE author ADD COLUMN born YEAR NULL AFTER name;
SELECT COLUMN_NAME, ORDINAL_POSITION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'author' ORDER BY ORDINAL_POSITION;
DROP VIEW book_titles;
DROP TABLE book;
SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE();
SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE();
SELECT CHARACTER_SET_NAME, MAXLEN FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = 'utf8mb4';
SELECT COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_bin', 'utf8mb4_unicode_ci') ORDER BY COLLATION_NAME;
