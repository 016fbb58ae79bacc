"""What happened: the append-only change log and events, and their tamper-evident chain."""
