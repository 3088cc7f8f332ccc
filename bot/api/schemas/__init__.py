"""Request and response bodies of the API (pydantic 1.10)."""
