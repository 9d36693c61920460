-- The indicator catalogue with the default source of each.
SELECT i.indicator_id, i.name_en, i.unit, i.description, i.caveats,
       i.default_source_id, s.title AS source_title, s.publisher, s.edition
FROM indicators i
JOIN sources s ON s.source_id = i.default_source_id
ORDER BY i.indicator_id
