-- Everything held for one country, ready to download: each figure with its indicator, unit and full source.
SELECT c.iso3, c.name_en AS country, o.indicator_id, i.name_en AS indicator, o.sex, o.year, o.value, o.unit,
       o.source_id = i.default_source_id AS is_default_source,
       s.publisher, s.title AS source_title, s.edition, s.licence, s.url AS source_url
FROM observations o
JOIN countries c USING (iso3)
JOIN indicators i USING (indicator_id)
JOIN sources s ON s.source_id = o.source_id
WHERE o.iso3 = $iso3
ORDER BY o.indicator_id, o.sex, o.year, o.source_id
