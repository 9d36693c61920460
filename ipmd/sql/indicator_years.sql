-- The years in which an indicator has country values (default source).
SELECT DISTINCT o.year
FROM observations o
JOIN indicators i USING (indicator_id)
WHERE o.indicator_id = $indicator AND o.source_id = i.default_source_id
ORDER BY o.year
