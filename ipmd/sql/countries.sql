-- Every country or area, with its names, regions, income group and where to draw it.
SELECT c.iso3, c.m49, c.name_en, c.name_fr, c.name_es,
       c.un_region, c.un_subregion, c.wb_region, c.income_group, c.is_small_state,
       b.label_lon, b.label_lat, b.geometry IS NOT NULL AS has_polygon
FROM countries c
LEFT JOIN boundaries b USING (iso3)
ORDER BY c.name_en
