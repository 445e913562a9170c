"""Math environment: `agentdata/Math-v0` (see README.md in this folder)."""
