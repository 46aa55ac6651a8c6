"""Support code shared by test modules (stub servers, helpers)."""
