-- JSON: the JSON type, functions and path operators (MySQL 8.0 prints JSON normalised: sorted keys, ", " and ": ").
CREATE TABLE docs (id INT PRIMARY KEY, doc JSON);
INSERT INTO docs VALUES (1, '{"name": "ann", "age": 30, "tags": ["a", "b"], "addr": {"city": "Oslo"}}'), (2, '{"name": "bob", "age": null, "tags": []}'), (3, '[1, 2, 3]'), (4, '"just a string"'), (5, NULL);
-- @mysql8 {"error": 3140} MySQL's JSON type rejects invalid JSON with 3140; MariaDB's JSON is LONGTEXT with a JSON_VALID check (4025)
INSERT INTO docs VALUES (6, '{bad json}');
-- @mysql8 {"error": 3140} the empty string is not JSON: 3140 in MySQL, the JSON_VALID check (4025) in MariaDB
INSERT INTO docs VALUES (7, '');
-- @mysql8 {"rows": [["1", "{\"age\": 30, \"addr\": {\"city\": \"Oslo\"}, \"name\": \"ann\", \"tags\": [\"a\", \"b\"]}"], ["2", "{\"age\": null, \"name\": \"bob\", \"tags\": []}"], ["3", "[1, 2, 3]"], ["4", "\"just a string\""], ["5", null]]} MySQL stores JSON in binary form and prints it normalised (keys sorted by length, then bytewise; ', ' and ': ' separators); MariaDB's JSON is LONGTEXT, returned as inserted
SELECT id, doc FROM docs ORDER BY id;
INSERT INTO docs VALUES (8, '{"b":1,"a":2,"aa":{"y":true,"x":false}}');
-- @mysql8 {"rows": [["{\"a\": 2, \"b\": 1, \"aa\": {\"x\": false, \"y\": true}}"]]} MySQL stores JSON in binary form and prints it normalised (keys sorted by length, then bytewise; ', ' and ': ' separators); MariaDB's JSON is LONGTEXT, returned as inserted
SELECT doc FROM docs WHERE id = 8;
SELECT JSON_EXTRACT(doc, '$.name'), JSON_EXTRACT(doc, '$.age'), JSON_EXTRACT(doc, '$.tags[1]'), JSON_EXTRACT(doc, '$.addr.city'), JSON_EXTRACT(doc, '$.missing') FROM docs WHERE id = 1;
SELECT JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')) FROM docs ORDER BY id;
SELECT id FROM docs WHERE JSON_EXTRACT(doc, '$.age') = 30;
SELECT id FROM docs WHERE JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')) = 'bob';
-- @mysql8 {"columns": ["doc->'$.name'", "doc->>'$.name'"], "rows": [["\"ann\"", "ann"]]} -> and ->> are MySQL operators; MariaDB has neither (1064)
SELECT doc->'$.name', doc->>'$.name' FROM docs WHERE id = 1;
-- @mysql8 {"columns": ["id"], "rows": [["1"]]} ->> is a MySQL operator; MariaDB has none (1064)
SELECT id FROM docs WHERE doc->>'$.addr.city' = 'Oslo';
SELECT JSON_EXTRACT(doc, '$.tags') FROM docs WHERE id = 1;
SELECT JSON_EXTRACT(doc, '$.addr') FROM docs WHERE id = 1;
SELECT JSON_EXTRACT(doc, '$[0]'), JSON_EXTRACT(doc, '$[last]') FROM docs WHERE id = 3;
SELECT JSON_TYPE(doc) FROM docs ORDER BY id;
SELECT JSON_VALID('{"a": 1}'), JSON_VALID('{a: 1}'), JSON_VALID('[]'), JSON_VALID(NULL), JSON_VALID('3');
SELECT JSON_LENGTH(doc) FROM docs ORDER BY id;
SELECT JSON_LENGTH(doc, '$.tags') FROM docs WHERE id = 1;
-- @mysql8 {"rows": [["[\"age\", \"addr\", \"name\", \"tags\"]"]]} JSON_KEYS lists keys in MySQL's stored (sorted) order; ', ' and ': ' separators)
SELECT JSON_KEYS(doc) FROM docs WHERE id = 1;
SELECT JSON_CONTAINS(doc, '"a"', '$.tags'), JSON_CONTAINS(doc, '30', '$.age'), JSON_CONTAINS_PATH(doc, 'one', '$.addr', '$.nope'), JSON_CONTAINS_PATH(doc, 'all', '$.addr', '$.nope') FROM docs WHERE id = 1;
SELECT JSON_SEARCH(doc, 'one', 'b') FROM docs WHERE id = 1;
SELECT JSON_OBJECT('a', 1, 'b', 'x', 'c', NULL, 'd', TRUE);
SELECT JSON_ARRAY(1, 'two', NULL, 3.5, FALSE);
-- @mysql8 {"rows": [["{\"a\": 2, \"b\": 1}"]]} MySQL's JSON objects keep keys sorted; MariaDB keeps argument order
SELECT JSON_OBJECT('b', 1, 'a', 2);
SELECT JSON_ARRAY(JSON_OBJECT('k', 'v'), JSON_ARRAY());
SELECT JSON_QUOTE('a"b'), JSON_UNQUOTE('"x\\ty"');
SELECT JSON_SET('{"a": 1}', '$.b', 2), JSON_INSERT('{"a": 1}', '$.a', 9), JSON_REPLACE('{"a": 1}', '$.a', 9), JSON_REMOVE('{"a": 1, "b": 2}', '$.a');
SELECT JSON_ARRAY_APPEND('[1, 2]', '$', 3), JSON_ARRAY_INSERT('[1, 2]', '$[0]', 0), JSON_MERGE_PRESERVE('{"a": 1}', '{"a": 2}'), JSON_MERGE_PATCH('{"a": 1, "b": 2}', '{"a": null, "c": 3}');
SELECT JSON_DEPTH('[1, [2]]'), JSON_DEPTH('1'), JSON_PRETTY('[1]') IS NOT NULL;
UPDATE docs SET doc = JSON_SET(doc, '$.age', 31) WHERE id = 1;
SELECT JSON_EXTRACT(doc, '$.age') FROM docs WHERE id = 1;
UPDATE docs SET doc = JSON_ARRAY_APPEND(doc, '$.tags', 'c') WHERE id = 2;
SELECT JSON_EXTRACT(doc, '$.tags') FROM docs WHERE id = 2;
SELECT id, JSON_EXTRACT(doc, '$.age') IS NULL, JSON_TYPE(JSON_EXTRACT(doc, '$.age')) FROM docs WHERE id IN (1, 2) ORDER BY id;
-- @mysql8 {"columns": ["CAST('{\"a\": [1, 2]}' AS JSON)"], "rows": [["{\"a\": [1, 2]}"]]} CAST(... AS JSON) is MySQL syntax; MariaDB has no JSON cast (1064)
SELECT CAST('{"a": [1, 2]}' AS JSON);
SELECT CAST(doc AS CHAR) FROM docs WHERE id = 3;
-- @mysql8 {"rows": [["[1, 2, 3]"]]} MySQL prints the aggregated JSON normalised (', '); MariaDB as [1,2,3]
SELECT JSON_ARRAYAGG(id) FROM docs WHERE id < 4;
-- @mysql8 {"rows": [["{\"1\": \"OBJECT\", \"2\": \"OBJECT\", \"3\": \"ARRAY\"}"]]} MySQL prints the aggregated JSON normalised (': ' and ', ')
SELECT JSON_OBJECTAGG(id, JSON_TYPE(doc)) FROM docs WHERE id < 4;
SELECT j.v FROM JSON_TABLE('[{"v": 1}, {"v": 2}]', '$[*]' COLUMNS (v INT PATH '$.v')) AS j;
-- @mysql8 {"columns": ["id"], "rows": [["1"]]} -> is a MySQL operator; MariaDB has none (1064)
SELECT id FROM docs WHERE JSON_CONTAINS(doc->'$.tags', '"b"');
SELECT COUNT(*) FROM docs WHERE doc IS NULL;
SELECT JSON_EXTRACT('[true, null]', '$[0]'), JSON_EXTRACT('[true, null]', '$[1]'), JSON_EXTRACT('{"a": -7}', '$.a');
SELECT JSON_UNQUOTE(JSON_EXTRACT('{"a": "x"}', '$.a')) = 'x', JSON_EXTRACT('{"a": "x"}', '$.a') = 'x';
