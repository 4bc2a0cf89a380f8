"""Core pages: `audit` (the audit trail of one's scope) and `jobs` (background job progress)."""
