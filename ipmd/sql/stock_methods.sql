-- How each country's international migrant stock is counted (UN DESA IMS 2024, Table 1 'Data type' and notes).
SELECT m.iso3, m.edition, m.data_type, m.by_birth, m.by_citizenship, m.is_imputed, m.refugees_added,
       m.coverage_note, m.source_id
FROM migrant_stock_methods m
ORDER BY m.iso3
