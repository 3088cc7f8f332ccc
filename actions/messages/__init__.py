"""Messages the action server sends: the catalogue (``*.yml`` here) and :func:`say`."""

from actions.messages.catalogue import (
    CATALOGUE,
    Catalogue,
    CatalogueError,
    MissingValue,
    UnknownMessage,
)
from actions.messages.say import say

__all__ = ["CATALOGUE", "Catalogue", "CatalogueError", "MissingValue", "UnknownMessage", "say"]
