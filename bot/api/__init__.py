"""HTTP API of the backend of record (FastAPI, versioned under /api/v1)."""
