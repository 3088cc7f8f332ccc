"""The portal's chat widget (static files served by the backend at ``/``)."""
