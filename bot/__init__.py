"""TeleComNet self-service assistant: settings, backend of record, command line."""
