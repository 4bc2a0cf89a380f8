"""Pages, split by sub-domain: `registry` (tree, detail) and `sheets` (import/export)."""
