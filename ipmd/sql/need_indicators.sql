-- The need score's indicators: for every country (the countries table; aggregates are never in it),
-- the latest value up to $year from each indicator's default source, one row per country, with the
-- year of each value. Refugees hosted are taken per 1,000 inhabitants, divided by the population of
-- the refugee figure's own year (or the latest population before it).
WITH latest AS (
    SELECT o.iso3, o.indicator_id, o.year, o.value
    FROM observations o
    JOIN indicators i USING (indicator_id)
    WHERE o.indicator_id IN ('emigrant_pct_pop', 'immigrant_pct_pop', 'remittances_received_pct_gdp',
                             'refugees_hosted', 'remittance_cost_inbound_pct', 'emigrant_female_share')
      AND o.sex = 'total'
      AND o.source_id = i.default_source_id
      AND o.year <= $year
    QUALIFY row_number() OVER (PARTITION BY o.iso3, o.indicator_id ORDER BY o.year DESC) = 1
),
population AS (
    SELECT o.iso3, o.year, o.value
    FROM observations o
    JOIN indicators i USING (indicator_id)
    WHERE o.indicator_id = 'population' AND o.sex = 'total' AND o.source_id = i.default_source_id
),
refugees AS (
    SELECT r.iso3, r.year, r.value AS refugees_hosted, p.value AS population,
           r.value / p.value * 1000 AS refugees_per_1000
    FROM latest r
    JOIN population p ON p.iso3 = r.iso3 AND p.year <= r.year AND p.value > 0
    WHERE r.indicator_id = 'refugees_hosted'
    QUALIFY row_number() OVER (PARTITION BY r.iso3 ORDER BY p.year DESC) = 1
)
SELECT c.iso3,
       max(l.value) FILTER (WHERE l.indicator_id = 'emigrant_pct_pop')             AS emigrant_pct_pop,
       max(l.value) FILTER (WHERE l.indicator_id = 'immigrant_pct_pop')            AS immigrant_pct_pop,
       max(l.value) FILTER (WHERE l.indicator_id = 'remittances_received_pct_gdp') AS remittances_pct_gdp,
       any_value(r.refugees_per_1000)                                              AS refugees_per_1000,
       max(l.value) FILTER (WHERE l.indicator_id = 'remittance_cost_inbound_pct')  AS remittance_cost_inbound_pct,
       max(l.value) FILTER (WHERE l.indicator_id = 'emigrant_female_share')        AS female_share,
       max(l.year)  FILTER (WHERE l.indicator_id = 'emigrant_pct_pop')             AS emigrant_pct_pop_year,
       max(l.year)  FILTER (WHERE l.indicator_id = 'immigrant_pct_pop')            AS immigrant_pct_pop_year,
       max(l.year)  FILTER (WHERE l.indicator_id = 'remittances_received_pct_gdp') AS remittances_pct_gdp_year,
       any_value(r.year)                                                           AS refugees_per_1000_year,
       max(l.year)  FILTER (WHERE l.indicator_id = 'remittance_cost_inbound_pct')  AS remittance_cost_inbound_pct_year,
       max(l.year)  FILTER (WHERE l.indicator_id = 'emigrant_female_share')        AS female_share_year,
       any_value(r.refugees_hosted)                                                AS refugees_hosted,
       any_value(r.population)                                                     AS refugees_population
FROM countries c
LEFT JOIN latest l USING (iso3)
LEFT JOIN refugees r USING (iso3)
GROUP BY c.iso3
ORDER BY c.iso3
