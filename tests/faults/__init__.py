"""Faults: locked and full stores, hostile inputs, signals, slow servers."""
