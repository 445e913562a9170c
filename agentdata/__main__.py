"""`python -m agentdata` runs the CLI."""

from agentdata.cli import main

if __name__ == "__main__":
    main()
