"""/export: a subject's flights, a source's statements or a venue's history as a file."""
