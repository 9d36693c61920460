-- Where the emigrants of a country live: the largest destinations in a year (UN DESA bilateral stock).
SELECT dest_iso3 AS partner_iso3, stock
FROM bilateral_stock
WHERE origin_iso3 = $iso3 AND year = $year AND sex = 'total'
ORDER BY stock DESC, partner_iso3
LIMIT $limit
