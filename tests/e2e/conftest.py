"""The e2e fixtures (a trained model, the running stack) are in tests/conftest.py."""
