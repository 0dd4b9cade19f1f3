"""Problem domains: each returns `mtb.data.Patterns` / `TaskData`."""
