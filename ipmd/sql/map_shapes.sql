-- Every country a map can place: its simplified Natural Earth polygon (GeoJSON text) and its label point.
SELECT iso3, geometry, label_lon, label_lat
FROM boundaries
ORDER BY iso3
