-- The contract of data/ipmd.duckdb. Every table the build writes is declared here;
-- the build creates them from this file, so code and dictionary cannot drift apart.
-- Amounts are US dollars (current) unless a column says otherwise.

CREATE TABLE sources (
    source_id       TEXT PRIMARY KEY,   -- e.g. 'undesa_ims_2024_destination'
    title           TEXT NOT NULL,
    publisher       TEXT NOT NULL,
    edition         TEXT NOT NULL,      -- edition or vintage, e.g. 'IMS 2024', 'WDI 2025-07-01'
    licence         TEXT NOT NULL,
    url             TEXT,
    file_name       TEXT,               -- file read in ../shared/sources (NULL for generated data)
    sha256          TEXT,               -- of that file (NULL for generated data)
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    notes           TEXT
);

CREATE TABLE countries (
    iso3          TEXT PRIMARY KEY,
    m49           INTEGER,              -- UN M49 numeric code (NULL where the UN has none, e.g. XKX)
    name_en       TEXT NOT NULL,
    name_fr       TEXT NOT NULL,
    name_es       TEXT NOT NULL,
    un_region     TEXT,                 -- UN M49 region, e.g. 'Asia'
    un_subregion  TEXT,                 -- e.g. 'South-eastern Asia'
    wb_region     TEXT,                 -- World Bank region, e.g. 'East Asia & Pacific'
    income_group  TEXT,                 -- World Bank: 'Low income' .. 'High income'
    is_small_state BOOLEAN NOT NULL DEFAULT FALSE  -- drawn with a marker on maps
);

CREATE TABLE aggregates (               -- World, regions, income groups: never in country rankings
    agg_code  TEXT PRIMARY KEY,         -- 'WLD', 'UN:1834', 'WB:LMY' ...
    name_en   TEXT NOT NULL,
    kind      TEXT NOT NULL,            -- 'world','un_region','un_subregion','un_development_group','wb_region','wb_income_group','wb_other'
    m49       INTEGER,
    wb_code   TEXT
);

CREATE TABLE boundaries (
    iso3      TEXT PRIMARY KEY REFERENCES countries(iso3),
    geometry  TEXT,                     -- GeoJSON geometry text, lon/lat, plotly winding; NULL when only a point
    label_lon DOUBLE NOT NULL,          -- representative point, also the marker for small states
    label_lat DOUBLE NOT NULL,
    area_km2  DOUBLE                    -- NULL when no polygon
);

CREATE TABLE indicators (
    indicator_id      TEXT PRIMARY KEY, -- see the list in data/README.md
    name_en           TEXT NOT NULL,
    unit              TEXT NOT NULL,    -- 'persons','%','US$','per 1,000'
    default_source_id TEXT NOT NULL REFERENCES sources(source_id),
    description       TEXT NOT NULL,
    caveats           TEXT
);

CREATE TABLE observations (             -- countries only
    iso3         TEXT NOT NULL REFERENCES countries(iso3),
    year         INTEGER NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id),
    sex          TEXT NOT NULL DEFAULT 'total',   -- 'total','female','male'
    value        DOUBLE NOT NULL,
    unit         TEXT NOT NULL,
    source_id    TEXT NOT NULL REFERENCES sources(source_id)
    -- key (iso3, year, indicator_id, sex, source_id): unique, checked by the build (ipmd/build/checks.py);
    -- not declared as PRIMARY KEY because DuckDB's index on it would triple the file size
);

CREATE TABLE aggregate_observations (
    agg_code     TEXT NOT NULL REFERENCES aggregates(agg_code),
    year         INTEGER NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id),
    sex          TEXT NOT NULL DEFAULT 'total',
    value        DOUBLE NOT NULL,
    unit         TEXT NOT NULL,
    source_id    TEXT NOT NULL REFERENCES sources(source_id)
    -- key (agg_code, year, indicator_id, sex, source_id): unique, checked by the build
);

CREATE TABLE bilateral_stock (          -- UN DESA IMS 2024 Table 1, country to country, stock > 0 only
    origin_iso3 TEXT NOT NULL REFERENCES countries(iso3),
    dest_iso3   TEXT NOT NULL REFERENCES countries(iso3),
    year        INTEGER NOT NULL,
    sex         TEXT NOT NULL,          -- 'total','female','male'
    stock       BIGINT NOT NULL
    -- key (origin_iso3, dest_iso3, year, sex): unique, checked by the build
);

CREATE TABLE refugees_bilateral (       -- UNHCR, end-year, non-zero rows only
    origin_iso3    TEXT NOT NULL REFERENCES countries(iso3),
    asylum_iso3    TEXT NOT NULL REFERENCES countries(iso3),
    year           INTEGER NOT NULL,
    refugees       DOUBLE NOT NULL,     -- under UNHCR mandate
    asylum_seekers DOUBLE NOT NULL
    -- key (origin_iso3, asylum_iso3, year): unique, checked by the build
);

CREATE TABLE exchange_rates (           -- WDI PA.NUS.FCRF, local currency units per US$, annual average
    currency     TEXT NOT NULL,         -- ISO 4217, e.g. 'EUR'
    year         INTEGER NOT NULL,
    lcu_per_usd  DOUBLE NOT NULL,
    from_iso3    TEXT NOT NULL,         -- the WDI economy the rate was read from ('EMU' for EUR)
    PRIMARY KEY (currency, year)
);

-- The partnership's framework (2007 proposal; GFMD source file)
CREATE TABLE goals (
    goal_id   TEXT PRIMARY KEY,         -- 'G1','G2','G3'
    short_name TEXT NOT NULL,
    wording   TEXT NOT NULL
);

CREATE TABLE areas_of_work (
    area_id   TEXT PRIMARY KEY,         -- 'A','B'
    short_name TEXT NOT NULL,
    wording   TEXT NOT NULL
);

CREATE TABLE gfmd_items (               -- one row per line of gfmd_2007_2008_roundtables_outcomes.csv
    gfmd_item_id TEXT PRIMARY KEY,      -- e.g. 'GFMD2007-RT1', 'GFMD2008-OUT2'
    meeting      TEXT NOT NULL,
    year         INTEGER NOT NULL,
    item_type    TEXT NOT NULL,         -- roundtable, outcome, recommendation, cross_cutting, format, participation
    roundtable_no TEXT,
    title        TEXT NOT NULL,
    summary      TEXT,
    source_url   TEXT
);

CREATE TABLE partners (
    partner_id  TEXT PRIMARY KEY,       -- 'ILO','IOM','WB', ...
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,          -- 'UN agency','regional commission','World Bank','NGO','private'
    is_gmg_member BOOLEAN NOT NULL
);

-- The fund ledger (IATI transaction types). is_illustrative marks the generated demonstration portfolio.
CREATE TABLE donors (
    donor_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    donor_type  TEXT NOT NULL,          -- 'government','private','multilateral'
    iso3        TEXT,                   -- for governments
    is_world_bank_internal BOOLEAN NOT NULL DEFAULT FALSE,  -- the World Bank's own resources (DGF)
    is_illustrative BOOLEAN NOT NULL
);

CREATE TABLE projects (
    project_id    TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    partner_id    TEXT NOT NULL REFERENCES partners(partner_id),
    area_id       TEXT NOT NULL REFERENCES areas_of_work(area_id),
    gfmd_item_id  TEXT REFERENCES gfmd_items(gfmd_item_id),
    objectives    TEXT NOT NULL,
    expected_results TEXT NOT NULL,
    status        TEXT NOT NULL,        -- 'submitted','under_review','approved','active','closed','rejected'
    requested_usd DOUBLE NOT NULL,
    submitted_date DATE NOT NULL,
    decision_date DATE,                 -- Oversight Committee decision (approval or rejection)
    start_date    DATE,
    end_date      DATE,
    is_illustrative BOOLEAN NOT NULL
);

CREATE TABLE project_countries (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    iso3       TEXT NOT NULL REFERENCES countries(iso3),
    share      DOUBLE NOT NULL,         -- shares of one project sum to 1
    PRIMARY KEY (project_id, iso3)
);

CREATE TABLE project_goals (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    goal_id    TEXT NOT NULL REFERENCES goals(goal_id),
    weight     DOUBLE NOT NULL,         -- weights of one project sum to 1
    is_primary BOOLEAN NOT NULL,        -- exactly one per project
    PRIMARY KEY (project_id, goal_id)
);

CREATE TABLE transactions (
    txn_id      TEXT PRIMARY KEY,
    txn_type    TEXT NOT NULL,          -- 'pledge','deposit','commitment','disbursement','expenditure'
    iati_code   INTEGER NOT NULL,       -- 11, 1, 2, 3, 4 respectively
    txn_date    DATE NOT NULL,
    donor_id    TEXT REFERENCES donors(donor_id),      -- pledges and deposits
    project_id  TEXT REFERENCES projects(project_id),  -- commitments, disbursements, expenditure
    amount_usd  DOUBLE NOT NULL,
    currency    TEXT NOT NULL,          -- original currency, ISO 4217
    amount_original DOUBLE NOT NULL,
    is_illustrative BOOLEAN NOT NULL
);

-- Real reference: the UN Migration Multi-Partner Trust Fund (flagged real)
CREATE TABLE mptf_fund_facts (fact TEXT, value TEXT, value_numeric DOUBLE, unit_or_date TEXT, note TEXT, source_url TEXT);
CREATE TABLE mptf_contributors (contributor TEXT, iso3 TEXT, year INTEGER, amount_usd DOUBLE, evidence TEXT, source_url TEXT);
CREATE TABLE mptf_joint_programmes (programme TEXT, countries TEXT, iso3 TEXT, focus TEXT, participating_orgs TEXT,
                                    budget_usd DOUBLE, status_or_round TEXT, note TEXT, source_url TEXT);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- keys: built_at, content_hash, duckdb_version, pandas_version, python_version, ledger_kind ('illustrative'|'real'), data_edition

-- =====================================================================================================
-- Issue 19 (data and provenance): how each country's migrant stock is counted, and where every table
-- comes from. Kept in one block so it merges cleanly with other schema changes.
-- =====================================================================================================
CREATE TABLE migrant_stock_methods (    -- UN DESA IMS 2024 Table 1, columns 'Data type' and 'Coverage'
    iso3           TEXT PRIMARY KEY REFERENCES countries(iso3),
    edition        TEXT NOT NULL,       -- 'IMS 2024'
    data_type      TEXT NOT NULL,       -- the workbook's code as printed: 'B', 'B R', 'C', 'C R', 'C B R', 'I', 'I R'
    by_birth       BOOLEAN NOT NULL,    -- B: estimated from data on the foreign-born population
    by_citizenship BOOLEAN NOT NULL,    -- C: estimated from data on foreign citizens
    is_imputed     BOOLEAN NOT NULL,    -- I: no data on international migrants; the estimates are imputed
    refugees_added BOOLEAN NOT NULL,    -- R: UNHCR/UNRWA refugees and asylum-seekers (and Venezuelans displaced
                                        --    abroad) were added to the estimates
    coverage_note  TEXT,                -- the workbook's country note ('Migrant notes' sheet), e.g. who counts as foreign-born
    source_id      TEXT NOT NULL REFERENCES sources(source_id)
);

CREATE TABLE table_sources (            -- provenance of every table: which source fills which columns, and how
    table_name TEXT NOT NULL,           -- a table of this database
    columns    TEXT,                    -- comma-separated columns this source fills; NULL: the whole row
    source_id  TEXT NOT NULL,           -- a sources row (checked by the build; not declared as a foreign key
                                        -- because a ledger import replaces the portfolio's sources row)
    how        TEXT NOT NULL
);

-- ------------------------------------------------------------------------------------------------------
-- The results framework of the fund ledger (issue 20): per project its objectives and expected results,
-- their indicators with targets and actual values by reporting period (by sex where they count people),
-- the reports it owes, its documents and its gender marker. Imported and exported with the ledger
-- (optional sheets of the template; IATI result, document-link and policy-marker); rules in
-- ipmd/ledger/results_rules.py. is_illustrative marks the demonstration portfolio's rows.
ALTER TABLE projects ADD COLUMN gender_marker INTEGER;  -- OECD-DAC gender equality marker as IATI significance:
                                                       -- 0 not targeted, 1 significant, 2 principal,
                                                       -- 3 principal and in support of an action programme; NULL not screened

CREATE TABLE results (
    result_id     TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(project_id),
    result_type   TEXT NOT NULL,        -- 'objective','outcome','output' (IATI result type 3, 2, 1)
    title         TEXT NOT NULL,
    description   TEXT,
    is_illustrative BOOLEAN NOT NULL
);

CREATE TABLE result_indicators (
    result_indicator_id TEXT PRIMARY KEY,
    result_id     TEXT NOT NULL REFERENCES results(result_id),
    title         TEXT NOT NULL,
    unit          TEXT NOT NULL,        -- 'persons','documents','%', ...
    by_sex        BOOLEAN NOT NULL,     -- counts people: its periods have female and male rows, no total row
    baseline_year INTEGER,
    baseline_value DOUBLE,
    is_illustrative BOOLEAN NOT NULL
);

CREATE TABLE indicator_periods (
    result_indicator_id TEXT NOT NULL REFERENCES result_indicators(result_indicator_id),
    period_start  DATE NOT NULL,        -- within the project's start_date .. end_date
    period_end    DATE NOT NULL,
    sex           TEXT NOT NULL,        -- 'total', or 'female' / 'male' when the indicator is by_sex
    target_value  DOUBLE NOT NULL,
    actual_value  DOUBLE,               -- NULL until reported
    is_illustrative BOOLEAN NOT NULL,
    PRIMARY KEY (result_indicator_id, period_start, sex)
);

CREATE TABLE report_milestones (
    project_id    TEXT NOT NULL REFERENCES projects(project_id),
    report_type   TEXT NOT NULL,        -- 'progress','final'
    due_date      DATE NOT NULL,
    received_date DATE,                 -- NULL: not received
    is_illustrative BOOLEAN NOT NULL,
    PRIMARY KEY (project_id, report_type, due_date)
);

CREATE TABLE project_documents (
    document_id   TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(project_id),
    title         TEXT NOT NULL,
    category      TEXT NOT NULL,        -- 'proposal','budget','agreement','report','evaluation','web_page'
    url           TEXT,                 -- http(s) address; NULL when none
    document_date DATE,
    is_illustrative BOOLEAN NOT NULL
);
