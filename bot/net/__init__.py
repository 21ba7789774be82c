"""The outbound HTTP policy: one client session, timeouts and size caps, and the guard
that refuses private addresses for user-given URLs (SSRF)."""
