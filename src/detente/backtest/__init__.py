"""Back-tests of the negotiation models on decisions with known outcomes (DEU tables)."""
