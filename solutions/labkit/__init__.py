"""Shared code of the GPU training labs (placeholder until the labs land)."""
