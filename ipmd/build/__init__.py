"""The data build: real public sources -> data/ipmd.duckdb (run `python -m ipmd.build`).

Modules, in the order the build uses them: sources (what each file is; checked readers), undesa, wdi
(source-specific parsing), countries, boundaries, indicators, flows, exchange_rates, reference
(the tables), framework and portfolio (the partnership's framework and demonstration ledger),
database (writing and hashing), checks, pipeline (the steps).
"""
