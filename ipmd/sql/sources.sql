-- Every source the database rests on.
SELECT source_id, title, publisher, edition, licence, url, file_name, sha256, is_illustrative, notes
FROM sources
ORDER BY is_illustrative, publisher, source_id
