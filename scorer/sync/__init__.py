"""Sync with headquarters, venue side: push, bundles, receipts (docs/sync.md, docs/sync-format.md)."""
