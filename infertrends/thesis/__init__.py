"""The thesis's method and its audit: FLOP scaling, selection, hardware efficiency, energy, the ledger, claims."""
