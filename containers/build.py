"""Build the sandbox image: `python containers/build.py [--offline] [--tag TAG]`.

The same as `agentdata sandbox build`; the logic lives in `agentdata.sandbox_tools`.
"""

from __future__ import annotations

import sys

from agentdata.cli import sandbox_cmd

if __name__ == "__main__":
    sys.exit(sandbox_cmd.build_main(sys.argv[1:]))
