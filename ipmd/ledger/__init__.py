"""The fund ledger: validation rules, import and export."""
