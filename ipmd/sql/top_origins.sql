-- Where the immigrants of a country come from: the largest origins in a year (UN DESA bilateral stock).
SELECT origin_iso3 AS partner_iso3, stock
FROM bilateral_stock
WHERE dest_iso3 = $iso3 AND year = $year AND sex = 'total'
ORDER BY stock DESC, partner_iso3
LIMIT $limit
