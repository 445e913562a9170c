"""Code repair: repositories with a bug, judged by their tests, run inside a sandbox."""
