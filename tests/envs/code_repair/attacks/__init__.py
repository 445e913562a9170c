"""Attack programs run inside sandboxes by the sandbox tests (data, never imported)."""
