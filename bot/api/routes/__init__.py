"""Routers of /api/v1, one per area."""
