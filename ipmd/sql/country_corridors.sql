-- One country's migration corridors for the profile download: emigrants by country of destination and immigrants by
-- country of origin, every estimate year and sex (UN DESA bilateral stock), with the source in full.
SELECT c.iso3, c.name_en AS country, b.corridor AS indicator_id, b.partner_iso3, p.name_en AS partner, b.sex, b.year,
       b.stock::DOUBLE AS value, 'persons' AS unit, TRUE AS is_default_source,
       s.publisher, s.title AS source_title, s.edition, s.licence, s.url AS source_url
FROM (
    SELECT origin_iso3 AS iso3, dest_iso3 AS partner_iso3, 'emigrants_by_destination' AS corridor, year, sex, stock
    FROM bilateral_stock WHERE origin_iso3 = $iso3
    UNION ALL
    SELECT dest_iso3, origin_iso3, 'immigrants_by_origin', year, sex, stock
    FROM bilateral_stock WHERE dest_iso3 = $iso3
) b
JOIN countries c USING (iso3)
LEFT JOIN countries p ON p.iso3 = b.partner_iso3
JOIN sources s ON s.source_id = $source_id
ORDER BY indicator_id, b.year, b.sex, value DESC, b.partner_iso3
