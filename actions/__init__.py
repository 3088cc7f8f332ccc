"""rasa-sdk action server of the TeleComNet assistant.

Actions are stateless; each talks to the backend of record only through
:class:`actions.client.BackendClient`, injected through its constructor.
"""

from actions.startup import quiet_request_logs, refuse_bad_secrets

refuse_bad_secrets()
quiet_request_logs()
