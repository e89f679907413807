-- Window functions (MySQL 8.0): ranking, offsets, running aggregates, frames, named windows.
CREATE TABLE scores (id INT PRIMARY KEY, player VARCHAR(10) NOT NULL, team CHAR(1) NOT NULL, pts INT NOT NULL, day DATE NOT NULL);
INSERT INTO scores VALUES (1, 'ann', 'A', 10, '2024-01-01'), (2, 'bob', 'A', 20, '2024-01-02'), (3, 'cat', 'B', 20, '2024-01-01'), (4, 'dan', 'B', 5, '2024-01-03'), (5, 'eve', 'A', 20, '2024-01-04'), (6, 'fox', 'B', 15, '2024-01-05'), (7, 'gus', 'C', 7, '2024-01-02');
SELECT player, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM scores ORDER BY id;
SELECT player, pts, RANK() OVER (ORDER BY pts DESC) AS r, DENSE_RANK() OVER (ORDER BY pts DESC) AS dr FROM scores ORDER BY id;
SELECT player, team, ROW_NUMBER() OVER (PARTITION BY team ORDER BY pts DESC, id) AS rn FROM scores ORDER BY team, rn;
SELECT team, player FROM (SELECT team, player, ROW_NUMBER() OVER (PARTITION BY team ORDER BY pts DESC, id) AS rn FROM scores) x WHERE rn = 1 ORDER BY team;
SELECT player, pts, SUM(pts) OVER (ORDER BY id) AS running FROM scores ORDER BY id;
SELECT player, pts, SUM(pts) OVER (PARTITION BY team ORDER BY id) AS running FROM scores ORDER BY id;
SELECT player, SUM(pts) OVER (PARTITION BY team) AS team_total, COUNT(*) OVER () AS n FROM scores ORDER BY id;
SELECT player, pts, AVG(pts) OVER (PARTITION BY team) AS team_avg FROM scores ORDER BY id;
SELECT player, MIN(pts) OVER w AS lo, MAX(pts) OVER w AS hi FROM scores WINDOW w AS (PARTITION BY team) ORDER BY id;
SELECT player, pts, LAG(pts) OVER (ORDER BY id) AS prev, LEAD(pts) OVER (ORDER BY id) AS next FROM scores ORDER BY id;
-- @mysql8 {"columns": ["player", "prev2", "nxt"], "rows": [["ann", "0", "bob"], ["bob", "0", "cat"], ["cat", "10", "dan"], ["dan", "20", "eve"], ["eve", "20", "fox"], ["fox", "5", "gus"], ["gus", "20", "none"]]} MySQL's LAG/LEAD take a default value (third argument); MariaDB 10.11 does not (1064)
SELECT player, LAG(pts, 2, 0) OVER (ORDER BY id) AS prev2, LEAD(player, 1, 'none') OVER (ORDER BY id) AS nxt FROM scores ORDER BY id;
SELECT player, FIRST_VALUE(player) OVER (PARTITION BY team ORDER BY id) AS first_p FROM scores ORDER BY id;
SELECT player, LAST_VALUE(player) OVER (PARTITION BY team ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_p FROM scores ORDER BY id;
SELECT player, LAST_VALUE(player) OVER (PARTITION BY team ORDER BY id) AS last_so_far FROM scores ORDER BY id;
SELECT player, NTH_VALUE(player, 2) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second FROM scores ORDER BY id;
SELECT player, NTILE(3) OVER (ORDER BY id) AS tile FROM scores ORDER BY id;
SELECT player, SUM(pts) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s3 FROM scores ORDER BY id;
SELECT player, SUM(pts) OVER (ORDER BY id ROWS 2 PRECEDING) AS s FROM scores ORDER BY id;
SELECT player, pts, SUM(pts) OVER (ORDER BY pts) AS by_pts FROM scores ORDER BY pts, id;
-- ties on pts are ordered by id in the window too: the order of peers under a ROWS frame is
-- undefined in MySQL and MariaDB alike, so without it the running sums are arbitrary
SELECT player, pts, SUM(pts) OVER (ORDER BY pts, id ROWS UNBOUNDED PRECEDING) AS rows_pts FROM scores ORDER BY pts, id;
SELECT player, pts, COUNT(*) OVER (ORDER BY pts RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) AS near FROM scores ORDER BY id;
-- @mysql8 {"columns": ["player", "day", "recent"], "rows": [["ann", "2024-01-01", "2"], ["bob", "2024-01-02", "4"], ["cat", "2024-01-01", "2"], ["dan", "2024-01-03", "3"], ["eve", "2024-01-04", "2"], ["fox", "2024-01-05", "2"], ["gus", "2024-01-02", "4"]]} MySQL accepts INTERVAL bounds in RANGE frames over dates; MariaDB does not (1064)
SELECT player, day, COUNT(*) OVER (ORDER BY day RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS recent FROM scores ORDER BY id;
-- @mysql8 {"rows": [["ann", "0.3333", "0.4286"], ["bob", "0.6667", "1"], ["cat", "0.6667", "1"], ["dan", "0", "0.1429"], ["eve", "0.6667", "1"], ["fox", "0.5", "0.5714"], ["gus", "0.1667", "0.2857"]]} PERCENT_RANK()/CUME_DIST() are DOUBLE in MySQL, so ROUND(…, 4) prints 1 and 0.5; MariaDB's are DECIMAL (1.0000, 0.5000)
SELECT player, ROUND(PERCENT_RANK() OVER (ORDER BY pts), 4) AS pr, ROUND(CUME_DIST() OVER (ORDER BY pts), 4) AS cd FROM scores ORDER BY id;
SELECT team, SUM(pts), RANK() OVER (ORDER BY SUM(pts) DESC) AS r FROM scores GROUP BY team ORDER BY team;
SELECT player, pts - AVG(pts) OVER () AS diff FROM scores ORDER BY id;
SELECT DISTINCT team, COUNT(*) OVER (PARTITION BY team) AS n FROM scores ORDER BY team;
SELECT player, ROW_NUMBER() OVER w AS rn, RANK() OVER w AS rk FROM scores WINDOW w AS (ORDER BY pts DESC, player) ORDER BY rn;
SELECT player, SUM(pts) OVER (w ORDER BY id) AS s FROM scores WINDOW w AS (PARTITION BY team) ORDER BY id;
-- @mysql8 {"error": 3593} a window function in WHERE is 3593 in MySQL; MariaDB's code is 4015
SELECT player FROM scores WHERE ROW_NUMBER() OVER (ORDER BY id) = 1;
SELECT player, RANK() OVER (ORDER BY pts) FROM scores GROUP BY team;
SELECT player, ROW_NUMBER() OVER (ORDER BY pts DESC, id) AS rn FROM scores ORDER BY rn LIMIT 3;
