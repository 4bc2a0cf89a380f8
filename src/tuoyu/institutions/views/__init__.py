"""Pages, split by sub-domain: `registry` (list, detail, forms) and `sheets` (import/export)."""
