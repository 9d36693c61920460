"""The trust fund's rules (`ipmd.fund.rules`): one place for what the fund allows and how its ledger is read."""
