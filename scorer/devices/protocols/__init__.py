"""Device protocols: pure incremental parsers, bytes in (split anywhere), events out."""
