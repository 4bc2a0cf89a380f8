"""Pages, split by sub-domain: `registry` (list, detail, forms), `sheets` (import/export) and
`alliances` (托育联盟 and their members)."""
