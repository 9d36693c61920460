-- Everything known about one country: every indicator, year, sex and source, flagging the default source.
SELECT o.indicator_id, o.year, o.sex, o.value, o.unit, o.source_id,
       o.source_id = i.default_source_id AS is_default_source
FROM observations o
JOIN indicators i USING (indicator_id)
WHERE o.iso3 = $iso3
ORDER BY o.indicator_id, o.sex, o.year
