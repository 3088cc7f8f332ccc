"""Pure detectors of sensitive data in text, shared by the Rasa process and the action server.

No I/O and no imports from ``bot`` or ``actions``: the conversation store
(``bot.redaction``) masks what these find, the action server (``actions``) warns the
customer about it. One definition of "a card number" for both.
"""
