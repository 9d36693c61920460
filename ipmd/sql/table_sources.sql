-- Where every table of the database comes from: each source, the columns it fills and how.
SELECT t.table_name, t.columns, t.source_id, s.publisher, s.title, s.edition, s.is_illustrative, t.how
FROM table_sources t
LEFT JOIN sources s USING (source_id)
ORDER BY t.table_name, t.source_id, t.columns NULLS FIRST
