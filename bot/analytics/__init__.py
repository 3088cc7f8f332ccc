"""Monitoring and evaluation: metrics over Rasa's conversation store, demo data, reports."""
