"""Logic environment: `agentdata/Logic-v0` (see README.md in this folder)."""
