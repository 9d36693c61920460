-- One indicator for one aggregate (World = 'WLD', or a World Bank group code such as 'LMY'), every year and sex, default source.
SELECT ao.year, ao.sex, ao.value, ao.unit, ao.source_id
FROM aggregate_observations ao
JOIN aggregates a USING (agg_code)
JOIN indicators i USING (indicator_id)
WHERE (a.agg_code = $code OR a.wb_code = $code)
  AND ao.indicator_id = $indicator
  AND ao.source_id = i.default_source_id
ORDER BY ao.year, ao.sex
