"""Business rules of the backend of record; the API layer only translates HTTP."""
