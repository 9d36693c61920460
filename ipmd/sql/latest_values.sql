-- For one indicator: each country's latest value at or before the chosen year, from the indicator's default source.
SELECT o.iso3, o.year, o.value, o.unit, o.source_id
FROM observations o
JOIN indicators i USING (indicator_id)
WHERE o.indicator_id = $indicator
  AND o.sex = $sex
  AND o.source_id = i.default_source_id
  AND o.year <= $year
QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1
